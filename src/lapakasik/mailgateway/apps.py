from django.apps import AppConfig


class MailgatewayConfig(AppConfig):
    name = "lapakasik.mailgateway"
    verbose_name = "Gerbang e-mail"
    default_auto_field = "django.db.models.BigAutoField"
