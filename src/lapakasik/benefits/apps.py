from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "lapakasik.benefits"
    label = "benefits"
    verbose_name = "Keputusan manfaat"

    def ready(self) -> None:
        from lapakasik.claims.selectors import claim_amounts_provider_register

        from .selectors import participant_breakdown

        claim_amounts_provider_register(participant_breakdown)
