from django.apps import AppConfig


class MailgatewayConfig(AppConfig):
    name = "lapakasik.mailgateway"
    verbose_name = "Gerbang e-mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: models may be imported only once the app registry is ready.
        from lapakasik.notifications.selectors import inbox_timeline_source_add

        from .selectors import inbox_timeline_items

        # The development inbox shows a claim's incoming e-mails next to its outgoing messages.
        inbox_timeline_source_add(inbox_timeline_items)
