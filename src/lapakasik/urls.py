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
    # The apps' participant and officer pages.
    path("", include("lapakasik.booking.urls")),
    path("", include("lapakasik.intake.urls")),
    path("", include("lapakasik.forms.urls")),  # /formulir/<token>/…: online forms, by the upload link token
    path("", include("lapakasik.notifications.urls")),
    path("", include("lapakasik.claims.urls")),
    path("", include("lapakasik.branchops.urls")),  # /petugas/kebijakan-kanal/: channel policy
    path("", include("lapakasik.benefits.urls")),
    path("", include("lapakasik.payments.urls")),  # before casework: /petugas/klaim/<code>/rekening/periksa/
    path("", include("lapakasik.casework.urls")),  # after intake: /petugas/klaim/<code>/dokumen/ is intake's
    path("", include("lapakasik.frontdesk.urls")),
    path("", include("lapakasik.dropbox.urls")),
]
