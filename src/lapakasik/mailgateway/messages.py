"""User-facing texts of the mail gateway (Indonesian source; English in this app's catalogue)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

NO_DOCUMENTS: dict[str, Any] = {
    "no_attachment": _("Pesan Anda tidak berisi lampiran dokumen. Lampirkan setiap dokumen sebagai foto JPG/PNG "
                       "atau PDF (bukan tautan dan bukan ZIP), lalu kirim lagi ke alamat yang sama."),
    "not_accepting": _("Klaim ini tidak lagi menerima dokumen, jadi lampiran tidak kami simpan. Hubungi contact "
                       "center 175 bila perlu bantuan."),
    "this_message": _("E-mail Anda"),
}


def no_documents_text(reason: str, language: str = "id") -> str:
    with translation.override(language):
        return str(NO_DOCUMENTS[reason])


TOO_MANY = _("%(count)s lampiran lainnya tidak kami proses karena satu e-mail berisi terlalu banyak lampiran. "
             "Kirim dokumen tersebut dalam e-mail terpisah.")


def too_many_text(count: int, language: str = "id") -> str:
    with translation.override(language):
        return str(TOO_MANY) % {"count": count}
