from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("cek-pesan/", views.check_page, name="check"),
    path("dev/inbox", views.dev_inbox, name="inbox"),
    path("dev/inbox/", views.dev_inbox),
    path("dev/inbox/<int:pk>/html", views.dev_inbox_html, name="inbox_html"),
]
