from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.login, name="login"),
    path("masuk/kode/", views.signin_code, name="signin_code"),
    path("masuk/daftar-autentikator/", views.signin_enrol, name="signin_enrol"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
