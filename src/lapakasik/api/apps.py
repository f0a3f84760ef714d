from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API (every app's router under /api/v1/) and its command ``export_openapi``."""

    name = "lapakasik.api"
    label = "api"
    verbose_name = "API"
