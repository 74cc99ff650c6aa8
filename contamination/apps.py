from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContaminationConfig(AppConfig):
    name = "contamination"
    verbose_name = "Contamination records"

    def ready(self):
        from contamination.permissions import sync_editors_group

        post_migrate.connect(sync_editors_group, sender=self)
