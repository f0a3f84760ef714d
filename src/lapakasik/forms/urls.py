from django.urls import path

from . import views

app_name = "forms"

urlpatterns = [
    path("formulir/<str:token>/<slug:code>/", views.form_page, name="form"),
    path("formulir/<str:token>/<slug:code>/<slug:section>/", views.section_page, name="section"),
]
