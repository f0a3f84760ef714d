from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lapakasik.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
