from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lapakasik.payments"
    label = "payments"
    verbose_name = "Pembayaran"

    def ready(self) -> None:
        from lapakasik.booking.panels import participant_panel_register
        from lapakasik.claims.services import claim_state_follower_register

        from .followers import service_level_follow
        from .views import participant_panel

        claim_state_follower_register(service_level_follow)
        participant_panel_register(participant_panel)
