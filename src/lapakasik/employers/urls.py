from django.urls import path

from . import views

app_name = "employers"

urlpatterns = [
    path("petugas/perusahaan/undang/", views.invite, name="invite"),
    path("perusahaan/undangan/<str:token>/", views.accept, name="accept"),
    path("perusahaan/", views.home, name="home"),
    path("perusahaan/laporan-tahap-1/", views.stage_one, name="stage_one"),
    path("perusahaan/klaim/<str:code>/tahap-2/", views.stage_two, name="stage_two"),
]
