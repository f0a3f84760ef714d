"""Default texts of the dropbox's chain of custody: the reminder of the day the participant planned to bring
the envelope, the envelope received at the branch, its pages digitised (with where the original went), and
a hand-over batch whose counts do not match (to the branch's supervisor)."""

from __future__ import annotations

from .shared import DOCS_LIST_EN, DOCS_LIST_ID

VARIABLES: dict[str, frozenset[str]] = {
    "dropbox_reminder": frozenset({"nearest_dropbox_branch", "nearest_dropbox_address", "planned_on_local",
                                   "cover_sheet_url", "dropbox_allowed"}),
    "envelope_received": frozenset({"received_branch", "received_local", "quarantine_hours"}),
    "envelope_digitised": frozenset({"received", "refused", "missing", "complete", "original",
                                     "archive_branch"}),
    "handover_mismatch": frozenset({"batch_ref", "branch_from", "sent_count", "received_count", "missing_envelopes"}),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "dropbox_reminder": {
        "id": {
            "subject": "Pengingat: dokumen klaim {{ claim_code }} ke dropbox {{ nearest_dropbox_branch }}",
            "text": ("Halo {{ name }},\n\nAnda berencana memasukkan dokumen klaim {{ claim_code }} ke dropbox "
                     "{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }}) pada {{ planned_on_local }}. "
                     "Tempelkan lembar sampul pada amplop{% if cover_sheet_url %} ({{ cover_sheet_url }}){% endif %}."
                     "\n\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Pengingat: dokumen klaim {{ claim_code }} ke dropbox {{ nearest_dropbox_branch }} pada "
                      "{{ planned_on_local }}, dengan lembar sampul."),
        },
        "en": {
            "subject": "Reminder: documents for claim {{ claim_code }} to the {{ nearest_dropbox_branch }} dropbox",
            "text": ("Hello {{ name }},\n\nYou plan to put the documents for claim {{ claim_code }} in the dropbox at "
                     "{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }}) on {{ planned_on_local }}. "
                     "Attach the cover sheet to the envelope{% if cover_sheet_url %} ({{ cover_sheet_url }})"
                     "{% endif %}.\n\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Reminder: documents for claim {{ claim_code }} to the {{ nearest_dropbox_branch }} dropbox on "
                      "{{ planned_on_local }}, with the cover sheet."),
        },
    },
    "envelope_received": {
        "id": {
            "subject": "Klaim {{ claim_code }}: amplop Anda kami terima",
            "text": ("Halo {{ name }},\n\nAmplop dokumen klaim {{ claim_code }} sudah kami terima di dropbox "
                     "{{ received_branch }} pada {{ received_local }}. Amplop didisinfeksi dan disimpan "
                     "{{ quarantine_hours }} jam sebelum dibuka; setelah itu petugas memindai dokumennya dan kami "
                     "kabari lagi.\n\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: amplop Anda diterima di dropbox {{ received_branch }}. Kami kabari "
                      "setelah dokumen dipindai."),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: we have received your envelope",
            "text": ("Hello {{ name }},\n\nThe envelope with the documents for claim {{ claim_code }} was received at "
                     "the {{ received_branch }} dropbox on {{ received_local }}. It is disinfected and kept "
                     "{{ quarantine_hours }} hours before it is opened; then an officer scans the documents and we "
                     "will tell you again.\n\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: your envelope was received at the {{ received_branch }} dropbox. "
                      "We will tell you once it is scanned."),
        },
    },
    "envelope_digitised": {
        "id": {
            "subject": "Klaim {{ claim_code }}: dokumen dari dropbox sudah dipindai",
            "text": ("Halo {{ name }},\n\nPetugas sudah memindai dokumen dari amplop Anda untuk klaim "
                     "{{ claim_code }}.\n\n" + DOCS_LIST_ID +
                     "\n{% if original == 'returned' %}Dokumen asli dikembalikan kepada Anda.{% else %}Dokumen "
                     "asli disimpan di arsip {{ archive_branch }}.{% endif %}\n"
                     "{% if complete %}Dokumen sudah lengkap. Petugas akan memverifikasinya.{% else %}Mohon "
                     "lengkapi dokumen yang masih kurang.{% endif %}\n\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: dokumen dari dropbox sudah dipindai. {% if complete %}Lengkap, "
                      "menunggu verifikasi.{% else %}Masih kurang {{ missing|length }} dokumen.{% endif %}"),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: the documents from the dropbox have been scanned",
            "text": ("Hello {{ name }},\n\nAn officer has scanned the documents from your envelope for claim "
                     "{{ claim_code }}.\n\n" + DOCS_LIST_EN +
                     "\n{% if original == 'returned' %}The originals are returned to you.{% else %}The originals "
                     "are kept in the archive of {{ archive_branch }}.{% endif %}\n"
                     "{% if complete %}Your documents are complete. An officer will verify them.{% else %}Please "
                     "send what is still missing.{% endif %}\n\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: the documents from the dropbox were scanned. {% if complete %}"
                      "Complete, awaiting verification.{% else %}{{ missing|length }} still missing.{% endif %}"),
        },
    },
    "handover_mismatch": {
        "id": {
            "subject": "{{ branch }}: serah terima dropbox {{ batch_ref }} tidak cocok",
            "text": ("Halo {{ name }},\n\nSerah terima amplop dropbox {{ batch_ref }} dari {{ branch_from }} tidak "
                     "cocok: dikirim {{ sent_count }}, diterima {{ received_count }}.\n"
                     "{% if missing_envelopes %}Amplop yang tidak ditemukan:\n{% for e in missing_envelopes %}- "
                     "{{ e.claim_code }}{% if e.serial %} (lembar sampul {{ e.serial }}){% endif %}\n{% endfor %}"
                     "{% endif %}\nPeriksa di halaman Dropbox, Rekonsiliasi serah terima."),
            "short": ("{{ branch }}: serah terima dropbox {{ batch_ref }} tidak cocok ({{ sent_count }} dikirim, "
                      "{{ received_count }} diterima)."),
        },
        "en": {
            "subject": "{{ branch }}: dropbox hand-over {{ batch_ref }} does not match",
            "text": ("Hello {{ name }},\n\nThe dropbox hand-over {{ batch_ref }} from {{ branch_from }} does not "
                     "match: {{ sent_count }} sent, {{ received_count }} received.\n"
                     "{% if missing_envelopes %}Envelopes not found:\n{% for e in missing_envelopes %}- "
                     "{{ e.claim_code }}{% if e.serial %} (cover sheet {{ e.serial }}){% endif %}\n{% endfor %}"
                     "{% endif %}\nSee the Dropbox page, hand-over reconciliation."),
            "short": ("{{ branch }}: dropbox hand-over {{ batch_ref }} does not match ({{ sent_count }} sent, "
                      "{{ received_count }} received)."),
        },
    },
}
