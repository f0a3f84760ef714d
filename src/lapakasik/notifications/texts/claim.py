"""Default texts of the claim's life after the documents: the officer's confirmation call, review,
verification, approval, payment, rejection, and the generic status message."""

from __future__ import annotations

from .shared import SEND_DOCS_EN, SEND_DOCS_ID

# Variables each event may use besides ``defaults.COMMON_VARIABLES``.
VARIABLES: dict[str, frozenset[str]] = {
    "confirmation_needed": frozenset({"call_window_local", "officer_name", "call_channel", "reschedule_url"}),
    "confirmation_missed": frozenset({"officer_name", "call_channel", "reschedule_url"}),
    "call_reminder": frozenset({"call_window_local", "officer_name", "call_channel"}),
    "claim_in_review": frozenset(),
    "claim_verified": frozenset(),
    "claim_approved": frozenset({"amount", "transfer_date"}),
    "claim_paid": frozenset({"amount", "bank_account_masked", "paid_date"}),
    "claim_rejected": frozenset({"next_step"}),
    "claim_status": frozenset(),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "confirmation_needed": {
        "id": {
            "subject": "Klaim {{ claim_code }}: petugas perlu konfirmasi",
            "text": ("Halo {{ name }},\n\nPetugas perlu mengonfirmasi data klaim {{ claim_code }}"
                     "{% if reason %} ({{ reason }}){% endif %}.\n"
                     "{% if call_window_local %}Anda akan dihubungi {{ call_window_local }}"
                     "{% if call_channel %} melalui {{ call_channel }}{% endif %}"
                     "{% if officer_name %} oleh {{ officer_name }}{% endif %}.\n{% endif %}"
                     "{% if reschedule_url %}Tidak bisa pada waktu itu? Pilih waktu lain: {{ reschedule_url }}\n"
                     "{% endif %}\nPetugas tidak akan pernah meminta PIN, kata sandi, atau biaya apa pun."),
            "short": ("Klaim {{ claim_code }}: petugas akan menghubungi Anda{% if call_window_local %} "
                      "{{ call_window_local }}{% endif %} untuk konfirmasi. Petugas tidak pernah meminta biaya."),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: an officer needs to confirm some details",
            "text": ("Hello {{ name }},\n\nAn officer needs to confirm details of claim {{ claim_code }}"
                     "{% if reason %} ({{ reason }}){% endif %}.\n"
                     "{% if call_window_local %}You will be contacted {{ call_window_local }}"
                     "{% if call_channel %} by {{ call_channel }}{% endif %}"
                     "{% if officer_name %} by {{ officer_name }}{% endif %}.\n{% endif %}"
                     "{% if reschedule_url %}Not available then? Pick another time: {{ reschedule_url }}\n"
                     "{% endif %}\nOfficers never ask for PINs, passwords or any fee."),
            "short": ("Claim {{ claim_code }}: an officer will contact you{% if call_window_local %} "
                      "{{ call_window_local }}{% endif %} to confirm details. Officers never ask for fees."),
        },
    },
    "confirmation_missed": {
        "id": {
            "subject": "Klaim {{ claim_code }}: pilih waktu baru untuk konfirmasi",
            "text": ("Halo {{ name }},\n\nPetugas{% if officer_name %} {{ officer_name }}{% endif %} belum berhasil "
                     "menghubungi Anda{% if call_channel %} melalui {{ call_channel }}{% endif %} untuk konfirmasi "
                     "klaim {{ claim_code }}.\nPilih sendiri waktu yang cocok (berlaku 7 hari, satu kali pakai):\n"
                     "{{ reschedule_url }}\n\nPetugas tidak akan pernah meminta PIN, kata sandi, atau biaya apa pun."),
            "short": ("Klaim {{ claim_code }}: petugas belum berhasil menghubungi Anda. Pilih waktu baru: "
                      "{{ reschedule_url }}"),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: choose a new time for the confirmation",
            "text": ("Hello {{ name }},\n\nThe officer{% if officer_name %} {{ officer_name }}{% endif %} could not "
                     "reach you{% if call_channel %} by {{ call_channel }}{% endif %} to confirm claim "
                     "{{ claim_code }}.\nPick a time that suits you (valid 7 days, one use):\n{{ reschedule_url }}\n\n"
                     "Officers never ask for PINs, passwords or any fee."),
            "short": "Claim {{ claim_code }}: we could not reach you. Pick a new time: {{ reschedule_url }}",
        },
    },
    "call_reminder": {
        "id": {
            "subject": "Pengingat: konfirmasi klaim {{ claim_code }} {{ call_window_local }}",
            "text": ("Halo {{ name }},\n\nPengingat: petugas{% if officer_name %} {{ officer_name }}{% endif %} akan "
                     "menghubungi Anda {{ call_window_local }}{% if call_channel %} melalui {{ call_channel }}"
                     "{% endif %} untuk konfirmasi klaim {{ claim_code }}. Siapkan KTP dan dokumen asli Anda.\n\n"
                     "Petugas tidak akan pernah meminta PIN, kata sandi, atau biaya apa pun."),
            "short": ("Pengingat: konfirmasi klaim {{ claim_code }} {{ call_window_local }}"
                      "{% if call_channel %} via {{ call_channel }}{% endif %}. Siapkan KTP asli."),
        },
        "en": {
            "subject": "Reminder: confirmation of claim {{ claim_code }} {{ call_window_local }}",
            "text": ("Hello {{ name }},\n\nReminder: the officer{% if officer_name %} {{ officer_name }}{% endif %} "
                     "will contact you {{ call_window_local }}{% if call_channel %} by {{ call_channel }}{% endif %} "
                     "to confirm claim {{ claim_code }}. Have your ID card and original documents ready.\n\n"
                     "Officers never ask for PINs, passwords or any fee."),
            "short": ("Reminder: confirmation of claim {{ claim_code }} {{ call_window_local }}"
                      "{% if call_channel %} by {{ call_channel }}{% endif %}. Have your ID ready."),
        },
    },
    "claim_in_review": {
        "id": {
            "subject": "Klaim {{ claim_code }} sedang diverifikasi",
            "text": ("Halo {{ name }},\n\nDokumen klaim {{ claim_code }} sedang diverifikasi petugas "
                     "{{ branch }}. Kami akan mengabari Anda bila ada yang perlu dikonfirmasi."),
            "short": "Klaim {{ claim_code }} sedang diverifikasi petugas {{ branch }}.",
        },
        "en": {
            "subject": "Claim {{ claim_code }} is being verified",
            "text": ("Hello {{ name }},\n\nAn officer at {{ branch }} is verifying the documents of claim "
                     "{{ claim_code }}. We will let you know if anything needs confirming."),
            "short": "Claim {{ claim_code }} is being verified at {{ branch }}.",
        },
    },
    "claim_verified": {
        "id": {
            "subject": "Klaim {{ claim_code }} terverifikasi",
            "text": ("Halo {{ name }},\n\nDokumen klaim {{ claim_code }} lengkap dan terverifikasi. Klaim "
                     "menunggu persetujuan; pembayaran dilakukan paling lambat sesuai standar layanan."),
            "short": "Klaim {{ claim_code }} terverifikasi dan menunggu persetujuan.",
        },
        "en": {
            "subject": "Claim {{ claim_code }} verified",
            "text": ("Hello {{ name }},\n\nThe documents of claim {{ claim_code }} are complete and verified. "
                     "The claim now awaits approval; payment follows within the service level."),
            "short": "Claim {{ claim_code }} verified, awaiting approval.",
        },
    },
    "claim_approved": {
        "id": {
            "subject": "Klaim {{ claim_code }} disetujui",
            "text": ("Halo {{ name }},\n\nKlaim {{ claim_code }} disetujui."
                     "{% if amount %}\nJumlah: Rp {{ amount }}{% endif %}"
                     "{% if transfer_date %}\nPerkiraan tanggal transfer: {{ transfer_date }}{% endif %}\n\n"
                     "Dana dikirim ke rekening atas nama Anda sendiri. Kami tidak pernah meminta biaya pencairan."),
            "short": ("Klaim {{ claim_code }} disetujui{% if amount %}: Rp {{ amount }}{% endif %}"
                      "{% if transfer_date %}, transfer {{ transfer_date }}{% endif %}. Tanpa biaya apa pun."),
        },
        "en": {
            "subject": "Claim {{ claim_code }} approved",
            "text": ("Hello {{ name }},\n\nClaim {{ claim_code }} is approved."
                     "{% if amount %}\nAmount: Rp {{ amount }}{% endif %}"
                     "{% if transfer_date %}\nExpected transfer date: {{ transfer_date }}{% endif %}\n\n"
                     "The money goes to the account in your own name. We never charge a payout fee."),
            "short": ("Claim {{ claim_code }} approved{% if amount %}: Rp {{ amount }}{% endif %}"
                      "{% if transfer_date %}, transfer {{ transfer_date }}{% endif %}. No fees."),
        },
    },
    "claim_paid": {
        "id": {
            "subject": "Klaim {{ claim_code }} telah dibayar",
            "text": ("Halo {{ name }},\n\nPembayaran klaim {{ claim_code }} telah dikirim"
                     "{% if amount %} sebesar Rp {{ amount }}{% endif %}"
                     "{% if bank_account_masked %} ke rekening {{ bank_account_masked }}{% endif %}"
                     "{% if paid_date %} pada {{ paid_date }}{% endif %}.\n\nTerima kasih."),
            "short": ("Klaim {{ claim_code }} dibayar{% if amount %} Rp {{ amount }}{% endif %}"
                      "{% if bank_account_masked %} ke {{ bank_account_masked }}{% endif %}."),
        },
        "en": {
            "subject": "Claim {{ claim_code }} paid",
            "text": ("Hello {{ name }},\n\nThe payment of claim {{ claim_code }} has been sent"
                     "{% if amount %}: Rp {{ amount }}{% endif %}"
                     "{% if bank_account_masked %} to account {{ bank_account_masked }}{% endif %}"
                     "{% if paid_date %} on {{ paid_date }}{% endif %}.\n\nThank you."),
            "short": ("Claim {{ claim_code }} paid{% if amount %} Rp {{ amount }}{% endif %}"
                      "{% if bank_account_masked %} to {{ bank_account_masked }}{% endif %}."),
        },
    },
    "claim_rejected": {
        "id": {
            "subject": "Klaim {{ claim_code }} ditolak",
            "text": ("Halo {{ name }},\n\nMohon maaf, klaim {{ claim_code }} tidak dapat kami setujui."
                     "{% if reason %}\nAlasan: {{ reason }}{% endif %}"
                     "{% if next_step %}\nLangkah berikutnya: {{ next_step }}{% endif %}\n\n"
                     "Pertanyaan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }} ditolak{% if reason %}: {{ reason }}{% endif %}. "
                      "Info: {{ contact_centre }}."),
        },
        "en": {
            "subject": "Claim {{ claim_code }} rejected",
            "text": ("Hello {{ name }},\n\nWe are sorry: claim {{ claim_code }} cannot be approved."
                     "{% if reason %}\nReason: {{ reason }}{% endif %}"
                     "{% if next_step %}\nNext step: {{ next_step }}{% endif %}\n\n"
                     "Questions: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }} rejected{% if reason %}: {{ reason }}{% endif %}. "
                      "Info: {{ contact_centre }}."),
        },
    },
    # The generic status message (claim_awaiting_documents, claim_documents_received, unknown events).
    "claim_status": {
        "id": {
            "subject": "Status klaim {{ claim_code }}: {{ state_label }}",
            "text": ("Halo {{ name }},\n\nStatus klaim {{ claim_code }} kini: {{ state_label }}."
                     "{% if reason %}\nCatatan: {{ reason }}{% endif %}\n" + SEND_DOCS_ID),
            "short": "Status klaim {{ claim_code }}: {{ state_label }}.",
        },
        "en": {
            "subject": "Claim {{ claim_code }} status: {{ state_label }}",
            "text": ("Hello {{ name }},\n\nThe status of claim {{ claim_code }} is now: {{ state_label }}."
                     "{% if reason %}\nNote: {{ reason }}{% endif %}\n" + SEND_DOCS_EN),
            "short": "Claim {{ claim_code }} status: {{ state_label }}.",
        },
    },
}
