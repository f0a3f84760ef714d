from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("petugas/panggilan/", views.phone_calls, name="calls"),
    path("petugas/panggilan/<int:pk>/hasil/", views.phone_call_outcome, name="call_outcome"),
]
