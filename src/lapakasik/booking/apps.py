from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "lapakasik.booking"
    label = "booking"
    verbose_name = "Antrean online"
