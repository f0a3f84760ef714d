from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "lapakasik.booking"
    label = "booking"
    verbose_name = "Antrean online"

    def ready(self) -> None:
        # A booking's status follows its claim through claim_transition (claims imports no booking code).
        from lapakasik.claims.services import claim_state_follower_register

        from .services import booking_follow_claim

        claim_state_follower_register(booking_follow_claim)
