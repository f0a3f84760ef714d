from django.urls import path

from . import views

app_name = "benefits"

urlpatterns = [
    path("petugas/persetujuan/", views.approvals, name="approvals"),
    path("petugas/putusan/<str:code>/<slug:action>/", views.decide, name="decide"),
]
