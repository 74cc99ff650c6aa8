from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial: readers' reports"

    def ready(self):
        from editorial.permissions import sync_editors_group

        post_migrate.connect(sync_editors_group, sender=self)
