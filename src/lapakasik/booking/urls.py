"""Participant pages of the online queue, under /antrean/."""

from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("antrean/", views.start, name="start"),
    path("antrean/cari/", views.search, name="search"),
    path("antrean/wilayah/<str:region>/", views.region_branches, name="branches"),
    path("antrean/cabang/<str:branch>/", views.branch_dates, name="dates"),
    path("antrean/cabang/<str:branch>/<str:day>/", views.branch_sessions, name="sessions"),
    path("antrean/data/", views.identity, name="identity"),
    path("antrean/periksa/", views.review, name="review"),
    path("antrean/selesai/<str:code>/", views.done, name="done"),
    path("antrean/saya/", views.mine, name="mine"),
    path("antrean/saya/kode/", views.mine_code, name="mine_code"),
    path("antrean/saya/keluar/", views.mine_logout, name="mine_logout"),
    path("antrean/saya/<str:code>/", views.manage, name="manage"),
    path("antrean/saya/<str:code>/batal/", views.cancel, name="cancel"),
    path("antrean/saya/<str:code>/ubah/", views.reschedule, name="reschedule"),
    path("antrean/tunggu/", views.waitlist_join, name="waitlist_join"),
    path("antrean/tunggu/<int:entry>/", views.waitlist, name="waitlist"),
    path("antrean/tunggu/<int:entry>/ambil/", views.waitlist_accept, name="waitlist_accept"),
    path("antrean/tiket/<str:code>.pdf", views.ticket_pdf, name="ticket_pdf"),
    path("antrean/tiket/<str:code>.ics", views.ticket_ics, name="ticket_ics"),
]
