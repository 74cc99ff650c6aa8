from django.apps import AppConfig


class ContaminationConfig(AppConfig):
    name = "contamination"
    verbose_name = "Contamination records"
