from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "lapakasik.casework"
    label = "casework"
    verbose_name = "Kerja petugas"
