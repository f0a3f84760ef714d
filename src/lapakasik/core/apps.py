from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lapakasik.core"
    label = "core"
    verbose_name = "Inti"
