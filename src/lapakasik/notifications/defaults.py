"""The message catalogue shipped with the product: every event, its variables, and default texts in
Indonesian and English. Installed by a data migration and by ``template_defaults_install``; admins
edit the stored copies.

Per event and language: ``subject`` (e-mail), ``text`` (e-mail, WhatsApp, phone script) and ``short``
(SMS). Texts are Django templates; the verification code and the "Cek keaslian pesan" address are
appended to every message by the renderer, so templates need not mention them.
"""

from __future__ import annotations

from typing import Any

# Available in every template.
COMMON_VARIABLES = frozenset({
    "name", "claim_code", "claim_type", "claim_type_label", "branch", "branch_address", "state", "state_label",
    "reason", "contact_centre", "check_url", "verification_code", "status_url", "upload_url", "email_address",
    "documents_due_local",
})
# WhatsApp template parameters may also use ``message`` (the rendered text).
PARAMETER_VARIABLES = frozenset({"message"})

_SESSION = {"session_date", "session_time", "session_label", "booking_url"}
EVENT_VARIABLES: dict[str, frozenset[str]] = {
    "booking_confirmed": frozenset(_SESSION),
    "booking_cancelled": frozenset(_SESSION),
    "booking_rescheduled": frozenset(_SESSION | {"old_session_date", "old_session_time"}),
    "booking_expired": frozenset(_SESSION),
    "waitlist_offer": frozenset(_SESSION | {"offer_url", "hold_until_local"}),
    "otp_code": frozenset({"otp", "valid_minutes", "purpose"}),
    "intake_ack": frozenset({"received", "refused", "missing", "complete", "held_sender", "documents_due_at",
                             "outcome", "outcome_label"}),
    "intake_unverified_reply": frozenset(),
    "intake_held_notice": frozenset({"held_count", "sender_masked"}),
    "upload_failed": frozenset({"dropbox_allowed", "nearest_dropbox_branch", "nearest_dropbox_address",
                                "cover_sheet_url"}),
    "documents_incomplete": frozenset({"missing", "refused", "received", "complete", "documents_due_at"}),
    "documents_incomplete_reminder": frozenset({"missing", "refused", "received", "complete",
                                                "documents_due_at"}),
    "dropbox_expected": frozenset({"dropbox_allowed", "nearest_dropbox_branch", "nearest_dropbox_address",
                                   "cover_sheet_url"}),
    "confirmation_needed": frozenset({"call_window_local", "officer_name", "call_channel", "reschedule_url"}),
    "claim_in_review": frozenset(),
    "claim_verified": frozenset(),
    "claim_approved": frozenset({"amount", "transfer_date"}),
    "claim_paid": frozenset({"amount", "bank_account_masked", "paid_date"}),
    "claim_rejected": frozenset({"next_step"}),
}

_DOCS_LIST_ID = (
    "{% if received %}Sudah kami terima:\n{% for r in received %}- {{ r.filename }}{% if r.requirement %} "
    "({{ r.requirement }}){% endif %}\n{% endfor %}{% endif %}"
    "{% if refused %}Tidak dapat kami terima:\n{% for r in refused %}- {{ r.filename }}: {{ r.reason }}\n"
    "{% endfor %}{% endif %}"
    "{% if missing %}Masih kurang:\n{% for m in missing %}- {{ m.label }}\n{% endfor %}{% endif %}"
)
_DOCS_LIST_EN = (
    "{% if received %}Received:\n{% for r in received %}- {{ r.filename }}{% if r.requirement %} "
    "({{ r.requirement }}){% endif %}\n{% endfor %}{% endif %}"
    "{% if refused %}Not accepted:\n{% for r in refused %}- {{ r.filename }}: {{ r.reason }}\n"
    "{% endfor %}{% endif %}"
    "{% if missing %}Still missing:\n{% for m in missing %}- {{ m.label }}\n{% endfor %}{% endif %}"
)
_SEND_DOCS_ID = ("{% if upload_url %}Unggah dokumen: {{ upload_url }}\n{% endif %}"
                 "{% if email_address %}Atau kirim lewat e-mail ke: {{ email_address }}\n{% endif %}")
_SEND_DOCS_EN = ("{% if upload_url %}Upload documents: {{ upload_url }}\n{% endif %}"
                 "{% if email_address %}Or e-mail them to: {{ email_address }}\n{% endif %}")

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

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "booking_confirmed": {
        "id": {
            "subject": "Antrean klaim {{ claim_code }} terdaftar",
            "text": ("Halo {{ name }},\n\nPendaftaran antrean klaim {{ claim_type }} Anda berhasil.\n"
                     "Kode booking: {{ claim_code }}\nKantor: {{ branch }}\n"
                     "{% if session_date %}Jadwal: {{ session_date }} {{ session_time }}\n{% endif %}\n"
                     "Kirim dokumen paling lambat {% if documents_due_local %}{{ documents_due_local }}"
                     "{% else %}sehari sebelum jadwal (H-1){% endif %}.\n" + _SEND_DOCS_ID +
                     "\nPada jadwal Anda, petugas akan menghubungi Anda (telepon/video). Siapkan dokumen asli."),
            "short": ("Antrean klaim {{ claim_code }} di {{ branch }} terdaftar{% if session_date %}, "
                      "{{ session_date }} {{ session_time }}{% endif %}. Kirim dokumen paling lambat H-1."
                      "{% if upload_url %} {{ upload_url }}{% endif %}"),
        },
        "en": {
            "subject": "Claim queue booking {{ claim_code }} confirmed",
            "text": ("Hello {{ name }},\n\nYour {{ claim_type }} claim queue booking is confirmed.\n"
                     "Booking code: {{ claim_code }}\nOffice: {{ branch }}\n"
                     "{% if session_date %}Session: {{ session_date }} {{ session_time }}\n{% endif %}\n"
                     "Send your documents by {% if documents_due_local %}{{ documents_due_local }}"
                     "{% else %}the day before your session{% endif %}.\n" + _SEND_DOCS_EN +
                     "\nAt your session an officer will contact you (phone/video). Keep the original documents "
                     "at hand."),
            "short": ("Claim queue {{ claim_code }} at {{ branch }} booked{% if session_date %}, "
                      "{{ session_date }} {{ session_time }}{% endif %}. Send documents by the day before."
                      "{% if upload_url %} {{ upload_url }}{% endif %}"),
        },
    },
    "booking_cancelled": {
        "id": {
            "subject": "Antrean klaim {{ claim_code }} dibatalkan",
            "text": ("Halo {{ name }},\n\nAntrean klaim {{ claim_code }} di {{ branch }}"
                     "{% if session_date %} ({{ session_date }} {{ session_time }}){% endif %} telah dibatalkan."
                     "{% if reason %}\nAlasan: {{ reason }}{% endif %}\n\n"
                     "Anda dapat mendaftar antrean baru kapan saja. Bantuan: contact center {{ contact_centre }}."),
            "short": "Antrean klaim {{ claim_code }} di {{ branch }} dibatalkan. Daftar ulang bila perlu.",
        },
        "en": {
            "subject": "Claim queue booking {{ claim_code }} cancelled",
            "text": ("Hello {{ name }},\n\nYour claim queue booking {{ claim_code }} at {{ branch }}"
                     "{% if session_date %} ({{ session_date }} {{ session_time }}){% endif %} has been cancelled."
                     "{% if reason %}\nReason: {{ reason }}{% endif %}\n\n"
                     "You may book again at any time. Help: contact centre {{ contact_centre }}."),
            "short": "Claim queue booking {{ claim_code }} at {{ branch }} cancelled. Book again if needed.",
        },
    },
    "booking_rescheduled": {
        "id": {
            "subject": "Jadwal antrean {{ claim_code }} diubah",
            "text": ("Halo {{ name }},\n\nJadwal antrean klaim {{ claim_code }} telah diubah.\n"
                     "{% if old_session_date %}Jadwal lama: {{ old_session_date }} {{ old_session_time }}\n"
                     "{% endif %}Jadwal baru: {{ session_date }} {{ session_time }} di {{ branch }}.\n\n"
                     "Batas kirim dokumen: {% if documents_due_local %}{{ documents_due_local }}{% else %}H-1"
                     "{% endif %}.\n" + _SEND_DOCS_ID),
            "short": ("Jadwal antrean {{ claim_code }} diubah: {{ session_date }} {{ session_time }} di "
                      "{{ branch }}."),
        },
        "en": {
            "subject": "Claim queue booking {{ claim_code }} rescheduled",
            "text": ("Hello {{ name }},\n\nYour claim queue booking {{ claim_code }} has been rescheduled.\n"
                     "{% if old_session_date %}Previous session: {{ old_session_date }} {{ old_session_time }}\n"
                     "{% endif %}New session: {{ session_date }} {{ session_time }} at {{ branch }}.\n\n"
                     "Documents due: {% if documents_due_local %}{{ documents_due_local }}{% else %}the day "
                     "before{% endif %}.\n" + _SEND_DOCS_EN),
            "short": ("Claim queue {{ claim_code }} moved to {{ session_date }} {{ session_time }} at "
                      "{{ branch }}."),
        },
    },
    "booking_expired": {
        "id": {
            "subject": "Antrean klaim {{ claim_code }} kedaluwarsa",
            "text": ("Halo {{ name }},\n\nAntrean klaim {{ claim_code }} telah kedaluwarsa karena dokumen tidak "
                     "lengkap sampai batas waktu atau jadwal telah lewat.\n\nSilakan daftar antrean baru. "
                     "Bantuan: contact center {{ contact_centre }}."),
            "short": "Antrean klaim {{ claim_code }} kedaluwarsa. Silakan daftar antrean baru.",
        },
        "en": {
            "subject": "Claim queue booking {{ claim_code }} expired",
            "text": ("Hello {{ name }},\n\nYour claim queue booking {{ claim_code }} has expired: the documents "
                     "were not complete in time or the session has passed.\n\nPlease book a new slot. "
                     "Help: contact centre {{ contact_centre }}."),
            "short": "Claim queue booking {{ claim_code }} expired. Please book a new slot.",
        },
    },
    "waitlist_offer": {
        "id": {
            "subject": "Ada kuota antrean untuk Anda",
            "text": ("Halo {{ name }},\n\nAda kuota kosong di {{ branch }}: {{ session_date }} "
                     "{{ session_time }}.\n{% if offer_url %}Ambil kuota ini: {{ offer_url }}\n{% endif %}"
                     "{% if hold_until_local %}Kuota disimpan untuk Anda sampai {{ hold_until_local }}.{% endif %}"),
            "short": ("Kuota antrean {{ branch }} {{ session_date }} {{ session_time }} tersedia untuk Anda"
                      "{% if hold_until_local %} s.d. {{ hold_until_local }}{% endif %}."
                      "{% if offer_url %} {{ offer_url }}{% endif %}"),
        },
        "en": {
            "subject": "A queue slot is available for you",
            "text": ("Hello {{ name }},\n\nA slot became free at {{ branch }}: {{ session_date }} "
                     "{{ session_time }}.\n{% if offer_url %}Take it here: {{ offer_url }}\n{% endif %}"
                     "{% if hold_until_local %}We hold it for you until {{ hold_until_local }}.{% endif %}"),
            "short": ("Queue slot at {{ branch }} {{ session_date }} {{ session_time }} available for you"
                      "{% if hold_until_local %} until {{ hold_until_local }}{% endif %}."
                      "{% if offer_url %} {{ offer_url }}{% endif %}"),
        },
    },
    "otp_code": {
        "id": {
            "subject": "Kode sekali pakai Lapak Asik",
            "text": ("Kode sekali pakai Anda: {{ otp }}\nBerlaku {{ valid_minutes|default:10 }} menit. "
                     "JANGAN berikan kode ini kepada siapa pun, termasuk yang mengaku petugas."),
            "short": ("Kode Lapak Asik: {{ otp }}. Berlaku {{ valid_minutes|default:10 }} menit. "
                      "Jangan berikan kepada siapa pun."),
        },
        "en": {
            "subject": "Your Lapak Asik one-time code",
            "text": ("Your one-time code: {{ otp }}\nValid for {{ valid_minutes|default:10 }} minutes. "
                     "NEVER share this code with anyone, including people claiming to be officers."),
            "short": ("Lapak Asik code: {{ otp }}. Valid {{ valid_minutes|default:10 }} min. "
                      "Never share it."),
        },
    },
    "intake_ack": {
        "id": {
            "subject": _ACK_SUBJECT_ID,
            "text": ("Halo {{ name }},\n\n{% if held_sender %}Kami menerima e-mail berisi dokumen untuk klaim "
                     "{{ claim_code }} dari alamat yang tidak terdaftar. Dokumen ditahan untuk diperiksa "
                     "petugas.\n\n{% endif %}Ringkasan dokumen klaim {{ claim_code }}:\n\n" + _DOCS_LIST_ID +
                     "\n{% if complete %}Dokumen sudah lengkap. Petugas akan memverifikasinya.{% else %}"
                     "Mohon lengkapi paling lambat {{ documents_due_local|default:'H-1' }}.\n" + _SEND_DOCS_ID +
                     "{% endif %}"),
            "short": (_ACK_SUBJECT_ID + ". {% if complete %}Lengkap, menunggu verifikasi."
                      "{% else %}Masih kurang {{ missing|length }} dokumen, batas "
                      "{{ documents_due_local|default:'H-1' }}.{% endif %}"),
        },
        "en": {
            "subject": _ACK_SUBJECT_EN,
            "text": ("Hello {{ name }},\n\n{% if held_sender %}We received an e-mail with documents for claim "
                     "{{ claim_code }} from an address that is not registered. The documents are held for an "
                     "officer to check.\n\n{% endif %}Documents of claim {{ claim_code }}:\n\n" + _DOCS_LIST_EN +
                     "\n{% if complete %}Your documents are complete. An officer will verify them.{% else %}"
                     "Please complete them by {{ documents_due_local|default:'the day before your session' }}.\n"
                     + _SEND_DOCS_EN + "{% endif %}"),
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
                     "tidak dipakai tanpa konfirmasi Anda atau pemeriksaan petugas.\n\n" + _SEND_DOCS_ID +
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
                     "used without your confirmation or an officer's check.\n\n" + _SEND_DOCS_EN +
                     "\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: {{ held_count }} file(s) from another address held, not "
                      "counted. Send your own from your registered e-mail or personal link."),
        },
    },
    "upload_failed": {
        "id": {
            "subject": "Klaim {{ claim_code }}: kirim dokumen lewat dropbox",
            "text": ("Halo {{ name }},\n\nDokumen klaim {{ claim_code }} belum dapat diunggah.\n\n"
                     "{% if dropbox_allowed %}Silakan bawa dokumen ke {{ branch }} ({{ branch_address }}) dan "
                     "masukkan ke dropbox di depan kantor, dengan lembar sampul{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}.\n{% else %}Kantor {{ branch }} hanya melayani secara "
                     "daring. {% if nearest_dropbox_branch %}Dropbox terdekat: {{ nearest_dropbox_branch }} "
                     "({{ nearest_dropbox_address }}).\n{% endif %}Anda juga dapat mencoba lagi:\n"
                     + _SEND_DOCS_ID + "{% endif %}\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: unggah gagal. {% if dropbox_allowed %}Bawa dokumen ke dropbox "
                      "{{ branch }}.{% elif nearest_dropbox_branch %}Dropbox terdekat: "
                      "{{ nearest_dropbox_branch }}.{% else %}Coba unggah lagi atau hubungi "
                      "{{ contact_centre }}.{% endif %}"),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: send your documents through the dropbox",
            "text": ("Hello {{ name }},\n\nThe documents for claim {{ claim_code }} could not be uploaded.\n\n"
                     "{% if dropbox_allowed %}Please bring them to {{ branch }} ({{ branch_address }}) and put "
                     "them in the dropbox outside the office, with the cover sheet{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}.\n{% else %}The {{ branch }} office works online only. "
                     "{% if nearest_dropbox_branch %}Nearest dropbox: {{ nearest_dropbox_branch }} "
                     "({{ nearest_dropbox_address }}).\n{% endif %}You may also try again:\n" + _SEND_DOCS_EN +
                     "{% endif %}\nHelp: contact centre {{ contact_centre }}."),
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
                     + _DOCS_LIST_ID + "\nMohon lengkapi paling lambat {{ documents_due_local|default:'H-1' }}.\n"
                     + _SEND_DOCS_ID),
            "short": ("Dokumen klaim {{ claim_code }} belum lengkap{% if reason %}: {{ reason }}{% endif %}. "
                      "Lengkapi paling lambat {{ documents_due_local|default:'H-1' }}."),
        },
        "en": {
            "subject": "Documents for claim {{ claim_code }} are incomplete",
            "text": ("Hello {{ name }},\n\nAn officer checked the documents of claim {{ claim_code }} and some "
                     "still need completing.{% if reason %}\nOfficer's note: {{ reason }}{% endif %}\n\n"
                     + _DOCS_LIST_EN + "\nPlease complete them by "
                     "{{ documents_due_local|default:'the day before your session' }}.\n" + _SEND_DOCS_EN),
            "short": ("Documents for claim {{ claim_code }} incomplete{% if reason %}: {{ reason }}{% endif %}. "
                      "Complete by {{ documents_due_local|default:'the day before' }}."),
        },
    },
    "documents_incomplete_reminder": {
        "id": {
            "subject": "Pengingat: dokumen klaim {{ claim_code }} belum lengkap",
            "text": ("Halo {{ name }},\n\nBatas kirim dokumen klaim {{ claim_code }} adalah "
                     "{{ documents_due_local|default:'besok' }}, dan dokumen berikut belum kami terima:\n"
                     "{% for m in missing %}- {{ m.label }}\n{% endfor %}\n" + _SEND_DOCS_ID +
                     "\nTidak bisa mengunggah? Buka tautan unggah lalu pilih \"Saya tidak bisa mengunggah\"."),
            "short": ("Pengingat: {{ missing|length }} dokumen klaim {{ claim_code }} belum diterima. Batas "
                      "{{ documents_due_local|default:'besok' }}.{% if upload_url %} {{ upload_url }}{% endif %}"),
        },
        "en": {
            "subject": "Reminder: documents for claim {{ claim_code }} are incomplete",
            "text": ("Hello {{ name }},\n\nThe documents for claim {{ claim_code }} are due "
                     "{{ documents_due_local|default:'tomorrow' }}, and we have not yet received:\n"
                     "{% for m in missing %}- {{ m.label }}\n{% endfor %}\n" + _SEND_DOCS_EN +
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
    # Generic status message (claim_awaiting_documents, claim_documents_received, unknown events).
    "claim_status": {
        "id": {
            "subject": "Status klaim {{ claim_code }}: {{ state_label }}",
            "text": ("Halo {{ name }},\n\nStatus klaim {{ claim_code }} kini: {{ state_label }}."
                     "{% if reason %}\nCatatan: {{ reason }}{% endif %}\n" + _SEND_DOCS_ID),
            "short": "Status klaim {{ claim_code }}: {{ state_label }}.",
        },
        "en": {
            "subject": "Claim {{ claim_code }} status: {{ state_label }}",
            "text": ("Hello {{ name }},\n\nThe status of claim {{ claim_code }} is now: {{ state_label }}."
                     "{% if reason %}\nNote: {{ reason }}{% endif %}\n" + _SEND_DOCS_EN),
            "short": "Claim {{ claim_code }} status: {{ state_label }}.",
        },
    },
}
EVENT_VARIABLES["claim_status"] = frozenset()

PHONE_INTRO = {
    "id": ("Skrip telepon (sebutkan nama Anda dan \"petugas BPJAMSOSTEK {{ branch|default:'' }}\"; "
           "jangan meminta PIN/OTP/biaya):\n\n"),
    "en": ("Call script (give your name and \"BPJAMSOSTEK officer {{ branch|default:'' }}\"; never ask for "
           "a PIN/OTP/fee):\n\n"),
}


def all_events() -> list[str]:
    """Every event the catalogue ships texts for (a claim state's event is named by
    ``claims.workflow.EVENT_FOR_STATE``; ``claim_status`` is the generic text for events not listed)."""
    return sorted(TEXTS)


def variables_for(event: str) -> frozenset[str]:
    return COMMON_VARIABLES | EVENT_VARIABLES.get(event, frozenset())


def texts_for(event: str) -> dict[str, dict[str, str]]:
    return TEXTS[event]


def default_rows() -> list[dict[str, Any]]:
    """Every default template row: event × channel × language."""
    rows = []
    for event in all_events():
        for language, t in texts_for(event).items():
            rows.append(dict(event=event, channel="email", language=language, subject=t["subject"], body=t["text"]))
            rows.append(dict(event=event, channel="whatsapp", language=language, body=t["text"],
                             provider_template="lapakasik_pesan", provider_parameters="message,verification_code"))
            rows.append(dict(event=event, channel="sms", language=language, body=t["short"]))
            rows.append(dict(event=event, channel="phone", language=language,
                             body=PHONE_INTRO[language] + t["text"]))
    return rows

# Example values for the admin preview (every variable of every event).
SAMPLE_CONTEXT: dict[str, Any] = {
    "name": "Siti Rahayu", "claim_code": "7KQ2M9XD", "claim_type": "JHT", "claim_type_label": "Jaminan Hari Tua",
    "branch": "KC Jakarta Cilandak", "branch_address": "Jl. T.B. Simatupang Kav. 1, Jakarta Selatan",
    "state": "APPROVED", "state_label": "Disetujui", "reason": "", "contact_centre": "175",
    "status_url": "https://lapakasik.example/klaim/", "upload_url": "https://lapakasik.example/unggah/contoh/",
    "email_address": "k-7kq2m9xd@dokumen.lapakasik.local", "documents_due_local": "Selasa, 1 Desember 2026 23:59 WIB",
    "session_date": "Rabu, 2 Desember 2026", "session_time": "09:00–10:00 WIB", "session_label": "Sesi 2",
    "booking_url": "https://lapakasik.example/antrean/saya/", "old_session_date": "Senin, 30 November 2026",
    "old_session_time": "13:00–14:00 WIB", "offer_url": "https://lapakasik.example/antrean/tawaran/",
    "hold_until_local": "Selasa, 1 Desember 2026 17:30 WIB", "otp": "482913", "valid_minutes": 10, "purpose": "booking",
    "received": [{"filename": "ktp.jpg", "requirement": "e-KTP"}],
    "refused": [{"filename": "kk.pdf", "reason": "Berkas PDF terenkripsi"}],
    "missing": [{"code": "KK", "label": "Kartu Keluarga"}, {"code": "BANK", "label": "Buku tabungan"}],
    "complete": False, "held_sender": False, "documents_due_at": "2026-12-01T16:59:00Z", "outcome": "partial",
    "outcome_label": "sebagian dokumen tidak dapat kami terima",
    "held_count": 3, "sender_masked": "a***@example.id",
    "dropbox_allowed": True, "nearest_dropbox_branch": "KC Tangerang", "nearest_dropbox_address": "Jl. Daan Mogot 1",
    "cover_sheet_url": "https://lapakasik.example/unggah/contoh/lembar-sampul.pdf",
    "call_window_local": "Kamis, 3 Desember 2026 10:00–11:00 WIB", "officer_name": "Budi", "call_channel": "WhatsApp video",
    "reschedule_url": "https://lapakasik.example/konfirmasi/ubah/", "amount": "12.345.678",
    "transfer_date": "Jumat, 4 Desember 2026", "bank_account_masked": "BRI ****1234", "paid_date": "Jumat, 4 Desember 2026",
    "next_step": "Ajukan kembali setelah masa tunggu 1 bulan berakhir.",
}
