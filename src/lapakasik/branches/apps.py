from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "lapakasik.branches"
    label = "branches"
    verbose_name = "Kantor cabang"
