from django.contrib import admin
from django.urls import include, path

from lapakasik import views
from lapakasik.api.api import api
from lapakasik.core import views as core_views

admin.site.site_header = "Lapak Asik — konfigurasi"
admin.site.site_title = "Lapak Asik"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("petugas/", include("lapakasik.accounts.urls")),
    path("admin/", admin.site.urls),
]

# Apps with participant/officer pages add their urls module here.
for _module, _prefix in (
    ("lapakasik.booking.urls", ""),
    ("lapakasik.intake.urls", ""),
    ("lapakasik.notifications.urls", ""),
    ("lapakasik.claims.urls", ""),
):
    try:
        __import__(_module)
    except ModuleNotFoundError as _exc:
        if _exc.name != _module:
            raise
        continue
    urlpatterns.append(path(_prefix, include(_module)))
