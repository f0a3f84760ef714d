from django.urls import path

from . import views, views_opening

app_name = "branchops"

urlpatterns = [
    path("petugas/kebijakan-kanal/", views.home, name="home"),
    path("petugas/pembukaan/", views_opening.opening, name="opening"),
    path("petugas/kebijakan-kanal/perubahan/<int:pk>/batal/", views.cancel, name="cancel"),
    path("petugas/kebijakan-kanal/<slug:kind>/<str:code>/", views.scope, name="scope"),
]
