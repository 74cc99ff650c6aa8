"""Editors work through the readers' reports queue: they may view and change reports (status,
assignee, resolution), never add or delete them (a report is a reader's words)."""

from django.contrib.auth.management import create_permissions

from contamination.permissions import EDITORS_GROUP


def sync_editors_group(sender, app_config=None, apps=None, **kwargs):
    if apps is None or app_config is None:
        return
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label=app_config.label,
            codename__in=["view_readerreport", "change_readerreport"],
        )
    )
