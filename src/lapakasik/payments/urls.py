from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("antrean/saya/<str:code>/rekening/", views.account_edit, name="account"),
    path("petugas/klaim/<str:code>/rekening/periksa/", views.account_check, name="account_check"),
    path("petugas/pembayaran/", views.payments_home, name="home"),
    path("petugas/pembayaran/tutup/", views.batch_close, name="close"),
    path("petugas/pembayaran/batch/<str:reference>/csv/", views.batch_csv, name="batch_csv"),
    path("petugas/pembayaran/batch/<str:reference>/pdf/", views.batch_pdf, name="batch_pdf"),
    path("petugas/pembayaran/batch/<str:reference>/hasil/", views.batch_result, name="batch_result"),
]
