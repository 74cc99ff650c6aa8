"""The Editors group: add, change and publish records in the admin; never delete them.

Kept in sync after every `migrate` (post_migrate), not only by a data migration: a flushed
database (live-server tests, `manage.py flush`) must get the group back without a rebuild.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS_GROUP = "Editors"

# Models editors work on, per app; deletion is never granted: deleting public data is a
# retraction.
EDITED_MODELS = {
    "contamination": [
        "hazardarea",
        "hazardareasource",
        "landrelease",
        "landreleasesource",
        "incident",
        "incidentsource",
        "casualty",
        "source",
        "organisation",
    ],
}
VIEWED_MODELS = {"contamination": ["adminarea"]}


def grant_editor_permissions(app_config, apps, edited, viewed=()):
    """Give the Editors group add/change/view on `edited` and view on `viewed` models."""
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [f"{action}_{model}" for model in edited for action in ("add", "change", "view")]
    codenames += [f"view_{model}" for model in viewed]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_config.label, codename__in=codenames)
    )


def sync_editors_group(sender, app_config=None, apps=None, **kwargs):
    """post_migrate receiver for the contamination app."""
    if app_config is None:
        return
    # `flush` (every live-server test ends with one) sends post_migrate without `apps`.
    apps = apps or global_apps
    grant_editor_permissions(
        app_config, apps, EDITED_MODELS["contamination"], VIEWED_MODELS["contamination"]
    )
