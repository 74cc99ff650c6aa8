from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements and claims"

    def ready(self):
        from contamination.api import flatfiles
        from statements import history
        from statements.api.downloads import ClaimsContributor
        from statements.permissions import sync_editors_group

        post_migrate.connect(sync_editors_group, sender=self)
        history.register()  # statements in the changelog and its feed
        flatfiles.register(ClaimsContributor())  # claims.csv in the bulk downloads
