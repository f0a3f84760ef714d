from django.urls import path

from . import views, views_forms, views_signin

app_name = "employers"

urlpatterns = [
    path("petugas/perusahaan/undang/", views.invite, name="invite"),
    path("perusahaan/undangan/<str:token>/", views.accept, name="accept"),
    path("perusahaan/masuk/", views_signin.signin_page, name="signin"),
    path("perusahaan/masuk/<str:token>/", views_signin.signin_link, name="signin_link"),
    path("perusahaan/", views.home, name="home"),
    path("perusahaan/laporan-tahap-1/", views.stage_one, name="stage_one"),
    path("perusahaan/klaim/<str:code>/", views_forms.claim_page, name="claim"),
    path("perusahaan/klaim/<str:code>/tahap-2/", views.stage_two, name="stage_two"),
    path("perusahaan/klaim/<str:code>/formulir/<slug:form>/<slug:section>/", views_forms.section_page,
         name="section"),
]
