from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("petugas/", views.home, name="home"),
    path("petugas/ambil-berikutnya/", views.take_next, name="take_next"),
    path("petugas/beban/", views.load, name="load"),
    path("petugas/token-api/", views.api_tokens, name="tokens"),
    path("petugas/klaim/<str:code>/", views.claim_page, name="claim"),
    path("petugas/klaim/<str:code>/<slug:action>/", views.claim_action, name="claim_action"),
    path("panggilan/pilih/<str:token>/", views.call_window_pick, name="call_window"),
    path("video/<str:room>/", views.video_room, name="video"),
]
