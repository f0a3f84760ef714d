"""Default texts of the queue's own events: a booking confirmed, cancelled, rescheduled or expired, a place
on a session's waiting list, a waitlist offer, the one-time code, and the quota opening's "the day is gone"."""

from __future__ import annotations

from .shared import SEND_DOCS_EN, SEND_DOCS_ID

_SESSION = {"session_date", "session_time", "session_label", "booking_url"}

# Variables each event may use besides ``defaults.COMMON_VARIABLES``.
VARIABLES: dict[str, frozenset[str]] = {
    "booking_confirmed": frozenset(_SESSION),
    "booking_cancelled": frozenset(_SESSION),
    "booking_rescheduled": frozenset(_SESSION | {"old_session_date", "old_session_time"}),
    "booking_expired": frozenset(_SESSION),
    "waitlist_joined": frozenset(_SESSION | {"position"}),
    "waitlist_offer": frozenset(_SESSION | {"offer_url", "hold_until_local"}),
    "otp_code": frozenset({"otp", "valid_minutes", "purpose"}),
    "opening_sold_out": frozenset({"opened_date", "waiting_room_url"}),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "booking_confirmed": {
        "id": {
            "subject": "Antrean klaim {{ claim_code }} terdaftar",
            "text": ("Halo {{ name }},\n\nPendaftaran antrean klaim {{ claim_type }} Anda berhasil.\n"
                     "Kode booking: {{ claim_code }}\nKantor: {{ branch }}\n"
                     "{% if session_date %}Jadwal: {{ session_date }} {{ session_time }}\n{% endif %}\n"
                     "Kirim dokumen paling lambat {% if documents_due_local %}{{ documents_due_local }}"
                     "{% else %}sehari sebelum jadwal (H-1){% endif %}.\n" + SEND_DOCS_ID +
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
                     "{% else %}the day before your session{% endif %}.\n" + SEND_DOCS_EN +
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
                     "{% endif %}.\n" + SEND_DOCS_ID),
            "short": ("Jadwal antrean {{ claim_code }} diubah: {{ session_date }} {{ session_time }} di "
                      "{{ branch }}."),
        },
        "en": {
            "subject": "Claim queue booking {{ claim_code }} rescheduled",
            "text": ("Hello {{ name }},\n\nYour claim queue booking {{ claim_code }} has been rescheduled.\n"
                     "{% if old_session_date %}Previous session: {{ old_session_date }} {{ old_session_time }}\n"
                     "{% endif %}New session: {{ session_date }} {{ session_time }} at {{ branch }}.\n\n"
                     "Documents due: {% if documents_due_local %}{{ documents_due_local }}{% else %}the day "
                     "before{% endif %}.\n" + SEND_DOCS_EN),
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
    "waitlist_joined": {
        "id": {
            "subject": "Anda masuk daftar tunggu {{ branch }}",
            "text": ("Halo {{ name }},\n\nAnda masuk daftar tunggu di {{ branch }}: {{ session_date }} "
                     "{{ session_time }}.\n{% if position %}Urutan Anda: ke-{{ position }}.\n{% endif %}\n"
                     "Ini belum booking. Bila ada kursi kosong, kami kirim pesan dengan tautan untuk mengambilnya; "
                     "kursi itu disimpan untuk Anda selama waktu yang tertulis di pesan tersebut.\n"
                     "Bantuan: contact center {{ contact_centre }}."),
            "short": ("Anda masuk daftar tunggu {{ branch }} {{ session_date }} {{ session_time }}"
                      "{% if position %}, urutan ke-{{ position }}{% endif %}. Belum booking: kami kabari bila "
                      "ada kursi kosong."),
        },
        "en": {
            "subject": "You are on the waiting list at {{ branch }}",
            "text": ("Hello {{ name }},\n\nYou are on the waiting list at {{ branch }}: {{ session_date }} "
                     "{{ session_time }}.\n{% if position %}Your place: number {{ position }}.\n{% endif %}\n"
                     "This is not a booking yet. When a seat becomes free we send you a message with a link to "
                     "take it; the seat is held for you until the time that message gives.\n"
                     "Help: contact centre {{ contact_centre }}."),
            "short": ("You are on the waiting list at {{ branch }} {{ session_date }} {{ session_time }}"
                      "{% if position %}, number {{ position }}{% endif %}. Not a booking yet: we tell you when "
                      "a seat is free."),
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
    "opening_sold_out": {
        "id": {
            "subject": "Kuota {{ opened_date }} sudah habis",
            "text": ("Halo {{ name }},\n\nTerima kasih sudah menunggu di ruang tunggu pembukaan kuota. Kuota untuk "
                     "{{ opened_date }} di semua kantor cabang zona Anda sudah habis sebelum giliran Anda tiba.\n\n"
                     "Anda masih bisa memilih hari lain yang tersedia di {{ branch }} atau cabang terdekat, atau masuk "
                     "daftar tunggu sesi yang penuh: {{ waiting_room_url }}\n\n"
                     "Bantuan: contact center {{ contact_centre }}."),
            "short": ("Kuota {{ opened_date }} sudah habis. Pilih hari lain atau masuk daftar tunggu: "
                      "{{ waiting_room_url }}"),
        },
        "en": {
            "subject": "The seats of {{ opened_date }} are gone",
            "text": ("Hello {{ name }},\n\nThank you for waiting in the quota opening's waiting room. The seats of "
                     "{{ opened_date }} at every branch of your time zone were all booked before your turn came.\n\n"
                     "You can still choose another day with seats at {{ branch }} or a nearby branch, or join the "
                     "waiting list of a full session: {{ waiting_room_url }}\n\n"
                     "Help: contact centre {{ contact_centre }}."),
            "short": ("The seats of {{ opened_date }} are gone. Choose another day or join a waiting list: "
                      "{{ waiting_room_url }}"),
        },
    },
}
