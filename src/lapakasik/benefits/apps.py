from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "lapakasik.benefits"
    label = "benefits"
    verbose_name = "Keputusan manfaat"
