from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lapakasik.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the production checks)
