"""The front desk's pages, under /petugas/depan/ (signed in; what each role may do: accounts/policy.py)."""

from django.urls import path

from . import views

app_name = "frontdesk"

urlpatterns = [
    path("petugas/depan/", views.home, name="home"),
    path("petugas/depan/skrining/<int:pk>/", views.result, name="result"),
    path("petugas/depan/ringkasan/", views.counts_index, name="counts_index"),
    path("petugas/depan/ringkasan/<str:branch>/", views.counts, name="counts"),
]
