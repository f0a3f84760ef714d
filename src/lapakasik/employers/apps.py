from django.apps import AppConfig


class EmployersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lapakasik.employers"
    verbose_name = "Perusahaan (petugas HR, laporan JKK)"
