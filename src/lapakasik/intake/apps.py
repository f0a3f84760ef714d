from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lapakasik.intake"
    label = "intake"
    verbose_name = "Penerimaan dokumen"
