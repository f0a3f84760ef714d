from django.apps import AppConfig


class FrontdeskConfig(AppConfig):
    name = "lapakasik.frontdesk"
    label = "frontdesk"
    verbose_name = "Petugas depan"
