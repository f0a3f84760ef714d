"""Participant pages of the online queue, under /antrean/."""

from django.urls import path

from . import views, views_mine, views_opening, views_waitlist

app_name = "booking"

urlpatterns = [
    path("antrean/", views.start, name="start"),
    path("antrean/cari/", views.search, name="search"),
    path("antrean/pembukaan/", views_opening.opening_join, name="opening_join"),
    path("antrean/pembukaan/tunggu/", views_opening.opening_wait, name="opening_wait"),
    path("antrean/wilayah/<str:region>/", views.region_branches, name="branches"),
    path("antrean/cabang/<str:branch>/", views.branch_dates, name="dates"),
    path("antrean/cabang/<str:branch>/<str:day>/", views.branch_sessions, name="sessions"),
    path("antrean/data/", views.identity, name="identity"),
    path("antrean/periksa/", views.review, name="review"),
    path("antrean/selesai/<str:code>/", views.done, name="done"),
    path("antrean/saya/", views_mine.mine, name="mine"),
    path("antrean/saya/kode/", views_mine.mine_code, name="mine_code"),
    path("antrean/saya/keluar/", views_mine.mine_logout, name="mine_logout"),
    path("antrean/saya/<str:code>/", views_mine.manage, name="manage"),
    path("antrean/saya/<str:code>/batal/", views_mine.cancel, name="cancel"),
    path("antrean/saya/<str:code>/ubah/", views_mine.reschedule, name="reschedule"),
    path("antrean/tunggu/", views_waitlist.waitlist_join, name="waitlist_join"),
    path("antrean/tunggu/<int:entry>/", views_waitlist.waitlist, name="waitlist"),
    path("antrean/tunggu/<int:entry>/ambil/", views_waitlist.waitlist_accept, name="waitlist_accept"),
    # The offer message's link: the token is the credential (any device); no id, no personal data.
    path("antrean/tawaran/<str:token>/", views_waitlist.waitlist_offer, name="waitlist_offer"),
    path("antrean/tiket/<str:code>.pdf", views_mine.ticket_pdf, name="ticket_pdf"),
    path("antrean/tiket/<str:code>.ics", views_mine.ticket_ics, name="ticket_ics"),
]
