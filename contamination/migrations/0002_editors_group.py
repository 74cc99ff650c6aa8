"""Create the Editors group: add, change and publish records; never delete them."""

from django.db import migrations

from contamination.permissions import EDITED_MODELS, VIEWED_MODELS, grant_editor_permissions


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; editors need them now.
    app_config = apps.get_app_config("contamination")
    app_config.models_module = True
    grant_editor_permissions(
        app_config, apps, EDITED_MODELS["contamination"], VIEWED_MODELS["contamination"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contamination", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, migrations.RunPython.noop)]
