from django.urls import path

from . import views, views_opening

app_name = "branchops"

urlpatterns = [
    path("petugas/kebijakan-kanal/", views.home, name="home"),
    path("petugas/pembukaan/", views_opening.opening, name="opening"),
    path("petugas/pembukaan/pengaturan/", views_opening.opening_settings, name="opening_settings"),
    path("petugas/pembukaan/kuota/<str:code>/", views_opening.branch_quota, name="branch_quota"),
    path("petugas/pembukaan/laporan/", views_opening.opening_report, name="opening_report"),
    path("petugas/kebijakan-kanal/perubahan/<int:pk>/batal/", views.cancel, name="cancel"),
    path("petugas/kebijakan-kanal/<slug:kind>/<str:code>/", views.scope, name="scope"),
]
