"""Let the Editors group write statements and claims; deleting stays with superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Claims and citations are parts of a statement: an editor removes a wrong one in the inline.
# Statements themselves are retracted, never deleted, by editors.
PERMISSIONS = {
    "person": ("add", "change", "view"),
    "metric": ("add", "change", "view"),
    "statement": ("add", "change", "view"),
    "statementsource": ("add", "change", "view", "delete"),
    "claim": ("add", "change", "view", "delete"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("statements")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="statements", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="statements")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_statements_people_claims"),
        ("contamination", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
