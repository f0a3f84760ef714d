from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lapakasik.registry"
    label = "registry"
    verbose_name = "Data kepesertaan"
