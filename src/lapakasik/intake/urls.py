from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("unggah/<str:token>/", views.upload_page, name="upload"),
    path("unggah/<str:token>/tidak-bisa/", views.upload_failed, name="upload_failed"),
    path("unggah/<str:token>/bantuan/", views.upload_help, name="help"),
    path("unggah/<str:token>/dokumen-apa/", views.assign_document, name="assign"),
    path("unggah/<str:token>/dropbox/", views.dropbox_choose, name="dropbox_choose"),
    path("unggah/<str:token>/lembar-sampul.pdf", views.cover_sheet, name="cover_sheet"),
    path("petugas/dokumen/<int:pk>/unduh/", views.document_download, name="document_download"),
    path("petugas/dokumen/<int:pk>/halaman/<int:page>/", views.document_page, name="document_page"),
    path("petugas/klaim/<str:code>/dokumen/", views.officer_documents, name="officer_documents"),
]
