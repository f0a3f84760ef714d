"""The dropbox's pages, under /petugas/dropbox/ (signed in; who may do what: accounts/policy.py)."""

from django.urls import path

from . import views

app_name = "dropbox"

urlpatterns = [
    path("petugas/dropbox/", views.desk, name="desk"),
    path("petugas/dropbox/terima/", views.receive_serial, name="receive_serial"),
    path("petugas/dropbox/cari/", views.search, name="search"),
    path("petugas/dropbox/terima-klaim/", views.receive_claim, name="receive_claim"),
    path("petugas/dropbox/amplop/<int:pk>/", views.envelope, name="envelope"),
    path("petugas/dropbox/amplop/<int:pk>/disinfeksi/", views.disinfect, name="disinfect"),
    path("petugas/dropbox/serah-terima/", views.hand_over, name="hand_over"),
    path("petugas/dropbox/masuk/", views.inbox, name="inbox"),
    path("petugas/dropbox/serah-terima/<int:pk>/", views.batch, name="batch"),
    path("petugas/dropbox/amplop/<int:pk>/pindai/", views.digitise, name="digitise"),
    path("petugas/dropbox/cabang/", views.overview_index, name="overview_index"),
    path("petugas/dropbox/cabang/<str:branch>/", views.overview, name="overview"),
]
