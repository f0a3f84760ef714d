from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lapakasik.accounts"
    label = "accounts"
    verbose_name = "Akun petugas"
