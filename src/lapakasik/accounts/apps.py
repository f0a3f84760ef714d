from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lapakasik.accounts"
    label = "accounts"
    verbose_name = "Akun petugas"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment check)
