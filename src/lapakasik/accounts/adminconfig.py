"""``django.contrib.admin`` with ``adminsite.OfficerAdminSite`` as ``admin.site`` (INSTALLED_APPS names this
config instead of the admin app). Its own module: an app config is imported before the models are ready."""

from django.contrib.admin.apps import AdminConfig


class OfficerAdminConfig(AdminConfig):
    default_site = "lapakasik.accounts.adminsite.OfficerAdminSite"
