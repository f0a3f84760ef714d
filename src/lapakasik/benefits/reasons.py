"""The default reasons for rejecting a verified claim (``DecisionReason`` rows; the admin may add, reword or
retire them), each with the sentence the participant reads and the next step, in Indonesian and English.
``other`` needs the officer's note, which the participant then reads."""

from __future__ import annotations

DEFAULTS: list[dict[str, object]] = [
    {"code": "not_eligible", "order": 10, "label_id": "Belum memenuhi syarat", "label_en": "Not eligible yet",
     "participant_text_id": "Menurut data kepesertaan, klaim Anda belum memenuhi syarat saat ini.",
     "participant_text_en": "According to your membership record, your claim is not eligible at this time.",
     "next_step_id": "Ajukan kembali setelah tanggal yang disebut petugas, dengan booking baru.",
     "next_step_en": "Apply again after the date the officer gave you, with a new booking."},
    {"code": "npwp_missing", "order": 20, "label_id": "NPWP tidak sesuai", "label_en": "NPWP does not match",
     "participant_text_id": "NPWP yang dikirim tidak sesuai dengan data Anda.",
     "participant_text_en": "The NPWP you sent does not match your details.",
     "next_step_id": "Kirim NPWP Anda yang benar dan booking kembali.",
     "next_step_en": "Send your correct NPWP and book again."},
    {"code": "data_mismatch", "order": 30, "label_id": "Data tidak sesuai", "label_en": "Data mismatch",
     "participant_text_id": "Data pada dokumen berbeda dengan data kepesertaan dan tidak dapat kami cocokkan.",
     "participant_text_en": "The details on your documents differ from your membership record and could not be "
                            "matched.",
     "next_step_id": "Perbarui data Anda melalui perusahaan atau kantor cabang, lalu booking kembali.",
     "next_step_en": "Update your details through your employer or the branch, then book again."},
    {"code": "already_paid", "order": 40, "label_id": "Sudah pernah dibayar", "label_en": "Already paid",
     "participant_text_id": "Manfaat ini sudah pernah dibayarkan kepada Anda.",
     "participant_text_en": "This benefit has already been paid to you.",
     "next_step_id": "Hubungi contact center bila Anda merasa ini keliru.",
     "next_step_en": "Contact the contact centre if you believe this is wrong."},
    {"code": "documents_not_authentic", "order": 50, "label_id": "Dokumen diragukan",
     "label_en": "Documents in doubt",
     "participant_text_id": "Keaslian dokumen Anda tidak dapat kami pastikan.",
     "participant_text_en": "We could not confirm that your documents are genuine.",
     "next_step_id": "Datang ke kantor cabang dengan dokumen asli setelah booking baru.",
     "next_step_en": "Come to the branch with the original documents after a new booking."},
    {"code": "other", "order": 90, "label_id": "Lainnya (tulis catatan)", "label_en": "Other (write a note)",
     "participant_text_id": "Catatan petugas:", "participant_text_en": "Officer's note:",
     "next_step_id": "Hubungi kantor cabang untuk langkah berikutnya.",
     "next_step_en": "Contact the branch for the next step.", "note_required": True},
]
