from django.apps import AppConfig


class BranchopsConfig(AppConfig):
    name = "lapakasik.branchops"
    label = "branchops"
    verbose_name = "Operasional cabang"
