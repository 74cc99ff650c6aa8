"""Create the Editors group: add, change and publish records; never delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED_MODELS = [
    "hazardarea",
    "hazardareasource",
    "landrelease",
    "landreleasesource",
    "incident",
    "incidentsource",
    "casualty",
    "source",
    "organisation",
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ("add", "change", "view")]
    codenames += ["view_adminarea"]
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label="contamination", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contamination", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, migrations.RunPython.noop)]
