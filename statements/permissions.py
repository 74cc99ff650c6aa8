"""The Editors group may write statements and claims (kept in sync after every migrate).

As for the records, editors never delete: a statement is retracted with a public note, and a
claim entered in error is corrected in place (history keeps the earlier version).
"""

from django.apps import apps as global_apps

from contamination.permissions import grant_editor_permissions

EDITED_MODELS = ["person", "metric", "statement", "statementsource", "claim"]


def sync_editors_group(sender, app_config=None, apps=None, **kwargs):
    """post_migrate receiver for the statements app."""
    if app_config is None:
        return
    # `flush` (every live-server test ends with one) sends post_migrate without `apps`.
    apps = apps or global_apps
    grant_editor_permissions(app_config, apps, EDITED_MODELS)
