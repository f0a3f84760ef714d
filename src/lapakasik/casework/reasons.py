"""The default refusal reasons (``RefusalReason`` rows; the admin may add, reword or retire them).
``other`` needs the officer's note, which the participant then reads."""

from __future__ import annotations

DEFAULTS: list[dict[str, object]] = [
    {"code": "unreadable", "order": 10, "label_id": "Tidak terbaca", "label_en": "Unreadable",
     "participant_text_id": "Foto/pindaian tidak terbaca. Kirim ulang foto yang tajam, terang, dan seluruh "
                            "dokumen terlihat.",
     "participant_text_en": "The photo/scan cannot be read. Send a sharp, well-lit photo showing the whole "
                            "document."},
    {"code": "wrong_document", "order": 20, "label_id": "Dokumen salah", "label_en": "Wrong document",
     "participant_text_id": "Berkas ini bukan dokumen yang diminta. Kirim dokumen yang sesuai daftar.",
     "participant_text_en": "This file is not the document asked for. Send the document on the list."},
    {"code": "registry_mismatch", "order": 30, "label_id": "Tidak sesuai data kepesertaan",
     "label_en": "Does not match the registry",
     "participant_text_id": "Data pada dokumen tidak sesuai dengan data kepesertaan Anda. Kirim dokumen yang "
                            "benar atau hubungi kantor cabang untuk pembaruan data.",
     "participant_text_en": "The document's details do not match your membership record. Send the right "
                            "document or contact the branch to update your data."},
    {"code": "expired", "order": 40, "label_id": "Kedaluwarsa", "label_en": "Expired",
     "participant_text_id": "Dokumen sudah tidak berlaku. Kirim dokumen yang masih berlaku.",
     "participant_text_en": "The document has expired. Send one that is still valid."},
    {"code": "page_missing", "order": 50, "label_id": "Halaman kurang", "label_en": "Page missing",
     "participant_text_id": "Ada halaman yang belum dikirim. Kirim semua halaman dokumen.",
     "participant_text_en": "A page is missing. Send every page of the document."},
    {"code": "name_differs", "order": 60, "label_id": "Nama berbeda", "label_en": "Name differs",
     "participant_text_id": "Nama pada dokumen berbeda dengan nama peserta. Kirim dokumen dengan nama yang "
                            "sama atau surat keterangan beda nama.",
     "participant_text_en": "The name on the document differs from the participant's. Send a document with "
                            "the same name or a name-difference statement."},
    {"code": "other", "order": 90, "label_id": "Lainnya (tulis catatan)", "label_en": "Other (write a note)",
     "participant_text_id": "Catatan petugas:", "participant_text_en": "Officer's note:", "note_required": True},
]
