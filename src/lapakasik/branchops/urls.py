from django.urls import path

from . import views

app_name = "branchops"

urlpatterns = [
    path("petugas/kebijakan-kanal/", views.home, name="home"),
    path("petugas/kebijakan-kanal/perubahan/<int:pk>/batal/", views.cancel, name="cancel"),
    path("petugas/kebijakan-kanal/<slug:kind>/<str:code>/", views.scope, name="scope"),
]
