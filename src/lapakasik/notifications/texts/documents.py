"""Default texts of the documents' events: the intake acknowledgement, the answer to an unregistered
sender and the notice of files held from one, a failed upload (the dropbox way), the officer's "incomplete"
and its reminder, and the dropbox expected."""

from __future__ import annotations

from .shared import DOCS_LIST_EN, DOCS_LIST_ID, SEND_DOCS_EN, SEND_DOCS_ID

# Variables each event may use besides ``defaults.COMMON_VARIABLES``.
VARIABLES: dict[str, frozenset[str]] = {
    "intake_ack": frozenset({"received", "refused", "missing", "complete", "held_sender", "documents_due_at",
                             "outcome", "outcome_label"}),
    "intake_unverified_reply": frozenset(),
    "intake_held_notice": frozenset({"held_count", "sender_masked"}),
    "upload_failed": frozenset({"dropbox_allowed", "nearest_dropbox_branch", "nearest_dropbox_address",
                                "cover_sheet_url", "dropbox_branches", "help_url"}),
    "documents_incomplete": frozenset({"missing", "refused", "received", "complete", "documents_due_at"}),
    "documents_incomplete_reminder": frozenset({"missing", "refused", "received", "complete",
                                                "documents_due_at"}),
    "dropbox_expected": frozenset({"dropbox_allowed", "nearest_dropbox_branch", "nearest_dropbox_address",
                                   "cover_sheet_url"}),
}

# The acknowledgement's subject says what happened ("kami terima" only when it is true): ``outcome_label`` is
# intake's wording of intake.policy.ack_outcome (received / some refused / all refused / nothing arrived) in
# the participant's language; the default covers rows queued before it existed.
_ACK_SUBJECT_ID = "Klaim {{ claim_code }}: {{ outcome_label|default:'dokumen kami terima' }}"
_ACK_SUBJECT_EN = "Claim {{ claim_code }}: {{ outcome_label|default:'documents received' }}"

# The reply to a sender who is not the claim's own address (or whose From our MTA found forged). It is
# stored without a claim, so nothing of the claim can be rendered into it; both languages in one message
# (we do not know the sender's).
_UNVERIFIED_ID = (
    "Pesan Anda ke alamat ini telah sampai.\n\n"
    "Alamat pengirimnya tidak terdaftar (atau tidak dapat kami verifikasi) untuk alamat tujuan itu. Karena "
    "itu lampirannya tidak diproses sebagai dokumen klaim: lampiran hanya akan dipertimbangkan setelah "
    "peserta pemilik klaim mengonfirmasinya atau petugas memeriksanya. Kami tidak memberikan keterangan "
    "apa pun tentang klaim kepada alamat yang tidak terdaftar.\n\n"
    "Bila Anda peserta pemilik klaim: kirim dokumen dari alamat e-mail yang Anda daftarkan saat memesan "
    "antrean, atau unggah lewat tautan pribadi di pesan konfirmasi antrean Anda. Berkas yang sama yang Anda "
    "kirim sendiri langsung dihitung.\n\n"
    "Bila Anda tidak mengirim pesan ini, abaikan e-mail ini.\n\n"
    "Bantuan: contact center {{ contact_centre }}.")
_UNVERIFIED_EN = (
    "Your message to this address has arrived.\n\n"
    "The address it came from is not registered (or could not be verified) for that address, so its "
    "attachments are not processed as claim documents: they will only be considered after the participant "
    "who owns the claim confirms them or an officer checks them. We give no information about a claim to an "
    "address that is not registered.\n\n"
    "If you are the participant: send your documents from the e-mail address you registered when you "
    "booked, or upload them through the personal link in your booking confirmation. The same file sent by "
    "yourself counts at once.\n\n"
    "If you did not send this message, please ignore this e-mail.\n\n"
    "Help: contact centre {{ contact_centre }}.")
_UNVERIFIED_SUBJECT = "Pesan Anda telah sampai / Your message has arrived"
_UNVERIFIED_SHORT = ("Pesan Anda telah sampai; lampiran dari alamat tidak terdaftar tidak diproses. / Your "
                     "message arrived; attachments from an unregistered address are not processed.")

# "Unggah gagal": the subject names the dropbox only where the participant may use one (their region's channel
# policy); a region that serves online only hears of the other online ways.
UPLOAD_FAILED_SUBJECT = {
    "id": ("Klaim {{ claim_code }}: {% if dropbox_allowed or nearest_dropbox_branch %}kirim dokumen lewat dropbox"
           "{% else %}cara lain mengirim dokumen{% endif %}"),
    "en": ("Claim {{ claim_code }}: {% if dropbox_allowed or nearest_dropbox_branch %}send your documents through "
           "the dropbox{% else %}other ways to send your documents{% endif %}"),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "intake_ack": {
        "id": {
            "subject": _ACK_SUBJECT_ID,
            "text": ("Halo {{ name }},\n\n{% if held_sender %}Kami menerima e-mail berisi dokumen untuk klaim "
                     "{{ claim_code }} dari alamat yang tidak terdaftar. Dokumen ditahan untuk diperiksa "
                     "petugas.\n\n{% endif %}Ringkasan dokumen klaim {{ claim_code }}:\n\n" + DOCS_LIST_ID +
                     "\n{% if complete %}Dokumen sudah lengkap. Petugas akan memverifikasinya.{% else %}"
                     "Mohon lengkapi paling lambat {{ documents_due_local|default:'H-1' }}.\n" + SEND_DOCS_ID +
                     "{% endif %}"),
            "short": (_ACK_SUBJECT_ID + ". {% if complete %}Lengkap, menunggu verifikasi."
                      "{% else %}Masih kurang {{ missing|length }} dokumen, batas "
                      "{{ documents_due_local|default:'H-1' }}.{% endif %}"),
        },
        "en": {
            "subject": _ACK_SUBJECT_EN,
            "text": ("Hello {{ name }},\n\n{% if held_sender %}We received an e-mail with documents for claim "
                     "{{ claim_code }} from an address that is not registered. The documents are held for an "
                     "officer to check.\n\n{% endif %}Documents of claim {{ claim_code }}:\n\n" + DOCS_LIST_EN +
                     "\n{% if complete %}Your documents are complete. An officer will verify them.{% else %}"
                     "Please complete them by {{ documents_due_local|default:'the day before your session' }}.\n"
                     + SEND_DOCS_EN + "{% endif %}"),
            "short": (_ACK_SUBJECT_EN + ". {% if complete %}Complete, awaiting "
                      "verification.{% else %}{{ missing|length }} still missing, due "
                      "{{ documents_due_local|default:'the day before' }}.{% endif %}"),
        },
    },
    "intake_unverified_reply": {
        "id": {"subject": _UNVERIFIED_SUBJECT, "text": _UNVERIFIED_ID + "\n\n---\n\n" + _UNVERIFIED_EN,
               "short": _UNVERIFIED_SHORT},
        "en": {"subject": "Your message has arrived / Pesan Anda telah sampai",
               "text": _UNVERIFIED_EN + "\n\n---\n\n" + _UNVERIFIED_ID, "short": _UNVERIFIED_SHORT},
    },
    "intake_held_notice": {
        "id": {
            "subject": "Klaim {{ claim_code }}: berkas dari alamat lain ditahan",
            "text": ("Halo {{ name }},\n\nKami menerima {{ held_count }} berkas untuk klaim {{ claim_code }} dari "
                     "alamat e-mail yang tidak terdaftar untuk klaim Anda ({{ sender_masked }}). Berkas itu "
                     "ditahan: tidak dihitung sebagai dokumen Anda dan tidak mengurangi batas berkas Anda. Kami "
                     "tidak memberikan keterangan apa pun tentang klaim Anda kepada pengirimnya.\n\n"
                     "Bila berkas itu memang dokumen Anda (misalnya dikirim keluarga), kirim ulang berkas yang "
                     "sama dari alamat e-mail terdaftar Anda atau lewat tautan unggah pribadi Anda: berkas itu "
                     "langsung dihitung. Bila Anda tidak mengenal pengirimnya, abaikan pesan ini: berkas itu "
                     "tidak dipakai tanpa konfirmasi Anda atau pemeriksaan petugas.\n\n" + SEND_DOCS_ID +
                     "\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: {{ held_count }} berkas dari alamat lain ditahan dan tidak "
                      "dihitung. Kirim dokumen Anda sendiri dari e-mail terdaftar atau tautan pribadi Anda."),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: files from another address are held",
            "text": ("Hello {{ name }},\n\nWe received {{ held_count }} file(s) for claim {{ claim_code }} from "
                     "an e-mail address that is not registered for your claim ({{ sender_masked }}). They are "
                     "held: they do not count as your documents and do not use up your file limit. We give the "
                     "sender no information about your claim.\n\n"
                     "If they are your documents (sent by family, for example), send the same files again "
                     "from your registered e-mail address or through your personal upload link: they then "
                     "count at once. If you do not know the sender, ignore this message: the files are not "
                     "used without your confirmation or an officer's check.\n\n" + SEND_DOCS_EN +
                     "\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: {{ held_count }} file(s) from another address held, not "
                      "counted. Send your own from your registered e-mail or personal link."),
        },
    },
    "upload_failed": {
        "id": {
            "subject": UPLOAD_FAILED_SUBJECT["id"],
            "text": ("Halo {{ name }},\n\nDokumen klaim {{ claim_code }} belum dapat diunggah.\n\n"
                     "{% if dropbox_allowed %}Silakan bawa dokumen ke {{ branch }} ({{ branch_address }}) dan "
                     "masukkan ke dropbox di depan kantor, dengan lembar sampul{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}.\n{% else %}Kantor {{ branch }} hanya melayani secara "
                     "daring. {% if nearest_dropbox_branch %}Dropbox terdekat di wilayah Anda: "
                     "{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }}).\n{% endif %}Anda juga dapat "
                     "mencoba lagi:\n" + SEND_DOCS_ID + "{% endif %}\nBantuan: {% if help_url %}{{ help_url }} atau "
                     "{% endif %}contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: unggah gagal. {% if dropbox_allowed %}Bawa dokumen ke dropbox "
                      "{{ branch }}.{% elif nearest_dropbox_branch %}Dropbox terdekat: "
                      "{{ nearest_dropbox_branch }}.{% else %}Coba unggah lagi atau hubungi "
                      "{{ contact_centre }}.{% endif %}"),
        },
        "en": {
            "subject": UPLOAD_FAILED_SUBJECT["en"],
            "text": ("Hello {{ name }},\n\nThe documents for claim {{ claim_code }} could not be uploaded.\n\n"
                     "{% if dropbox_allowed %}Please bring them to {{ branch }} ({{ branch_address }}) and put "
                     "them in the dropbox outside the office, with the cover sheet{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}.\n{% else %}The {{ branch }} office works online only. "
                     "{% if nearest_dropbox_branch %}Nearest dropbox in your region: {{ nearest_dropbox_branch }} "
                     "({{ nearest_dropbox_address }}).\n{% endif %}You may also try again:\n" + SEND_DOCS_EN +
                     "{% endif %}\nHelp: {% if help_url %}{{ help_url }} or {% endif %}contact centre "
                     "{{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: upload failed. {% if dropbox_allowed %}Bring documents to the "
                      "{{ branch }} dropbox.{% elif nearest_dropbox_branch %}Nearest dropbox: "
                      "{{ nearest_dropbox_branch }}.{% else %}Try again or call {{ contact_centre }}.{% endif %}"),
        },
    },
    "documents_incomplete": {
        "id": {
            "subject": "Dokumen klaim {{ claim_code }} belum lengkap",
            "text": ("Halo {{ name }},\n\nPetugas memeriksa dokumen klaim {{ claim_code }} dan masih ada yang "
                     "perlu dilengkapi.{% if reason %}\nCatatan petugas: {{ reason }}{% endif %}\n\n"
                     + DOCS_LIST_ID + "\nMohon lengkapi paling lambat {{ documents_due_local|default:'H-1' }}.\n"
                     + SEND_DOCS_ID),
            "short": ("Dokumen klaim {{ claim_code }} belum lengkap{% if reason %}: {{ reason }}{% endif %}. "
                      "Lengkapi paling lambat {{ documents_due_local|default:'H-1' }}."),
        },
        "en": {
            "subject": "Documents for claim {{ claim_code }} are incomplete",
            "text": ("Hello {{ name }},\n\nAn officer checked the documents of claim {{ claim_code }} and some "
                     "still need completing.{% if reason %}\nOfficer's note: {{ reason }}{% endif %}\n\n"
                     + DOCS_LIST_EN + "\nPlease complete them by "
                     "{{ documents_due_local|default:'the day before your session' }}.\n" + SEND_DOCS_EN),
            "short": ("Documents for claim {{ claim_code }} incomplete{% if reason %}: {{ reason }}{% endif %}. "
                      "Complete by {{ documents_due_local|default:'the day before' }}."),
        },
    },
    "documents_incomplete_reminder": {
        "id": {
            "subject": "Pengingat: dokumen klaim {{ claim_code }} belum lengkap",
            "text": ("Halo {{ name }},\n\nBatas kirim dokumen klaim {{ claim_code }} adalah "
                     "{{ documents_due_local|default:'besok' }}, dan dokumen berikut belum kami terima:\n"
                     "{% for m in missing %}- {{ m.label }}\n{% endfor %}\n" + SEND_DOCS_ID +
                     "\nTidak bisa mengunggah? Buka tautan unggah lalu pilih \"Saya tidak bisa mengunggah\"."),
            "short": ("Pengingat: {{ missing|length }} dokumen klaim {{ claim_code }} belum diterima. Batas "
                      "{{ documents_due_local|default:'besok' }}.{% if upload_url %} {{ upload_url }}{% endif %}"),
        },
        "en": {
            "subject": "Reminder: documents for claim {{ claim_code }} are incomplete",
            "text": ("Hello {{ name }},\n\nThe documents for claim {{ claim_code }} are due "
                     "{{ documents_due_local|default:'tomorrow' }}, and we have not yet received:\n"
                     "{% for m in missing %}- {{ m.label }}\n{% endfor %}\n" + SEND_DOCS_EN +
                     "\nCannot upload? Open the upload link and choose \"I cannot upload\"."),
            "short": ("Reminder: {{ missing|length }} documents for claim {{ claim_code }} missing. Due "
                      "{{ documents_due_local|default:'tomorrow' }}.{% if upload_url %} {{ upload_url }}{% endif %}"),
        },
    },
    "dropbox_expected": {
        "id": {
            "subject": "Klaim {{ claim_code }}: kami menunggu dokumen di dropbox",
            "text": ("Halo {{ name }},\n\nKami menunggu dokumen klaim {{ claim_code }} di dropbox "
                     "{% if nearest_dropbox_branch %}{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }})"
                     "{% else %}{{ branch }} ({{ branch_address }}){% endif %}. Tempelkan lembar sampul pada "
                     "amplop{% if cover_sheet_url %} ({{ cover_sheet_url }}){% endif %}. Dokumen akan "
                     "didisinfeksi lalu diserahkan kepada petugas."),
            "short": ("Klaim {{ claim_code }}: masukkan dokumen ke dropbox {{ nearest_dropbox_branch|default:branch }}"
                      " dengan lembar sampul."),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: we are expecting your documents in the dropbox",
            "text": ("Hello {{ name }},\n\nWe are expecting the documents of claim {{ claim_code }} in the "
                     "dropbox at {% if nearest_dropbox_branch %}{{ nearest_dropbox_branch }} "
                     "({{ nearest_dropbox_address }}){% else %}{{ branch }} ({{ branch_address }}){% endif %}. "
                     "Attach the cover sheet to the envelope{% if cover_sheet_url %} ({{ cover_sheet_url }})"
                     "{% endif %}. Documents are disinfected, then handed to the officers."),
            "short": ("Claim {{ claim_code }}: put your documents in the {{ nearest_dropbox_branch|default:branch }}"
                      " dropbox with the cover sheet."),
        },
    },
}
