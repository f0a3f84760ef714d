from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DropboxConfig(AppConfig):
    name = "lapakasik.dropbox"
    label = "dropbox"
    verbose_name = _("Dropbox")
    default_auto_field = "django.db.models.BigAutoField"
