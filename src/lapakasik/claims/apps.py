from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lapakasik.claims"
    label = "claims"
    verbose_name = "Klaim"
