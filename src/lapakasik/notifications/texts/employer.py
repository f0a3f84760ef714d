"""Default texts of the employer side (docs/employers.md): the invitation of a company's HR officer, the
worker told that their employer started a JKK claim and how to complete their part, the company reminded of
the stage II report, and the branch told of a late report."""

from __future__ import annotations

from .shared import SEND_DOCS_EN, SEND_DOCS_ID

VARIABLES: dict[str, frozenset[str]] = {
    "employer_invitation": frozenset({"employer_name", "invite_url", "expires_local"}),
    "employer_signin_link": frozenset({"signin_url", "minutes"}),
    "jkk_claim_started": frozenset({"employer_name", "occurred_local"}),
    "jkk_stage2_reminder": frozenset({"report_url"}),
    "jkk_report_late": frozenset({"stage", "npp"}),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "employer_invitation": {
        "id": {
            "subject": "Undangan petugas HR {{ employer_name }} di Lapak Asik",
            "text": ("Halo,\n\nAnda diundang sebagai petugas HR {{ employer_name }} di Lapak Asik BPJAMSOSTEK, "
                     "untuk melaporkan kecelakaan kerja pekerja perusahaan Anda.\n\n"
                     "Buat akun Anda (sekali pakai, berlaku sampai {{ expires_local }}):\n{{ invite_url }}\n\n"
                     "Jika Anda tidak merasa bekerja di bagian HR perusahaan ini, abaikan pesan ini."),
            "short": ("Undangan petugas HR {{ employer_name }} di Lapak Asik: {{ invite_url }} (berlaku sampai "
                      "{{ expires_local }})."),
        },
        "en": {
            "subject": "Invitation: HR officer of {{ employer_name }} on Lapak Asik",
            "text": ("Hello,\n\nYou are invited as an HR officer of {{ employer_name }} on Lapak Asik BPJAMSOSTEK, "
                     "to report your workers' work accidents.\n\n"
                     "Create your account (single use, valid until {{ expires_local }}):\n{{ invite_url }}\n\n"
                     "If you do not work in this company's HR department, ignore this message."),
            "short": ("Invitation, HR officer of {{ employer_name }} on Lapak Asik: {{ invite_url }} (valid until "
                      "{{ expires_local }})."),
        },
    },
    "employer_signin_link": {
        "id": {
            "subject": "Tautan masuk Lapak Asik (petugas perusahaan)",
            "text": ("Halo,\n\nSeseorang meminta tautan untuk masuk ke halaman perusahaan di Lapak Asik "
                     "BPJAMSOSTEK dengan alamat ini.\n\nMasuk (sekali pakai, berlaku {{ minutes }} menit):\n"
                     "{{ signin_url }}\n\nJika bukan Anda yang meminta, abaikan pesan ini: tanpa tautan ini "
                     "tidak ada yang bisa masuk. Petugas tidak pernah meminta tautan atau kode Anda."),
            "short": "Tautan masuk Lapak Asik (sekali pakai, {{ minutes }} menit): {{ signin_url }}",
        },
        "en": {
            "subject": "Your Lapak Asik sign-in link (employer officer)",
            "text": ("Hello,\n\nSomeone asked for a link to sign in to the employer pages of Lapak Asik "
                     "BPJAMSOSTEK with this address.\n\nSign in (single use, valid for {{ minutes }} minutes):\n"
                     "{{ signin_url }}\n\nIf it was not you, ignore this message: nobody can sign in without "
                     "this link. Officers never ask for your links or codes."),
            "short": "Lapak Asik sign-in link (single use, {{ minutes }} minutes): {{ signin_url }}",
        },
    },
    "jkk_claim_started": {
        "id": {
            "subject": "Klaim JKK {{ claim_code }} dibuka oleh {{ employer_name }}",
            "text": ("Halo {{ name }},\n\n{{ employer_name }} telah melaporkan kecelakaan kerja Anda "
                     "({{ occurred_local }}) dan membuka klaim Jaminan Kecelakaan Kerja {{ claim_code }} di "
                     "{{ branch }}.\n\nBagian Anda: kirim dokumen Anda (e-KTP, kartu peserta, bukti biaya "
                     "pengobatan dan lainnya yang diminta):\n" + SEND_DOCS_ID +
                     "\nPetugas cabang akan menghubungi Anda. Petugas tidak pernah meminta PIN, kata sandi, atau "
                     "biaya.\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim JKK {{ claim_code }} dibuka oleh {{ employer_name }}. Kirim dokumen Anda: "
                      "{{ upload_url }}"),
        },
        "en": {
            "subject": "JKK claim {{ claim_code }} opened by {{ employer_name }}",
            "text": ("Hello {{ name }},\n\n{{ employer_name }} has reported your work accident "
                     "({{ occurred_local }}) and opened work-accident (JKK) claim {{ claim_code }} at "
                     "{{ branch }}.\n\nYour part: send your documents (e-KTP, membership card, receipts for "
                     "treatment and anything else asked for):\n" + SEND_DOCS_EN +
                     "\nA branch officer will contact you. Officers never ask for a PIN, a password or a fee.\n"
                     "Help: contact centre {{ contact_centre }}."),
            "short": ("JKK claim {{ claim_code }} opened by {{ employer_name }}. Send your documents: "
                      "{{ upload_url }}"),
        },
    },
    "jkk_stage2_reminder": {
        "id": {
            "subject": "Klaim JKK {{ claim_code }}: laporan tahap II belum dikirim",
            "text": ("Halo {{ name }},\n\nLaporan kecelakaan kerja tahap II (Formulir 3a) untuk klaim "
                     "{{ claim_code }} belum kami terima. Kirim dalam 2 × 24 jam setelah dokter menyatakan pekerja "
                     "sembuh, cacat atau meninggal dunia:\n{{ report_url }}"),
            "short": "Klaim JKK {{ claim_code }}: laporan tahap II belum dikirim. {{ report_url }}",
        },
        "en": {
            "subject": "JKK claim {{ claim_code }}: the stage II report is missing",
            "text": ("Hello {{ name }},\n\nWe have not received the stage II work-accident report (Formulir 3a) "
                     "for claim {{ claim_code }}. Send it within 2 × 24 hours of the doctor's statement that the "
                     "worker recovered, is disabled or died:\n{{ report_url }}"),
            "short": "JKK claim {{ claim_code }}: the stage II report is missing. {{ report_url }}",
        },
    },
    "jkk_report_late": {
        "id": {
            "subject": "Klaim JKK {{ claim_code }}: laporan tahap {{ stage }} perusahaan terlambat",
            "text": ("Halo {{ name }},\n\nPerusahaan NPP {{ npp }} mengirim laporan kecelakaan kerja tahap "
                     "{{ stage }} untuk klaim {{ claim_code }} setelah batas 2 × 24 jam. Laporan diterima dan "
                     "ditandai terlambat di riwayat klaim."),
            "short": "Klaim JKK {{ claim_code }}: laporan tahap {{ stage }} NPP {{ npp }} terlambat.",
        },
        "en": {
            "subject": "JKK claim {{ claim_code }}: the company's stage {{ stage }} report was late",
            "text": ("Hello {{ name }},\n\nThe company NPP {{ npp }} filed the stage {{ stage }} work-accident "
                     "report for claim {{ claim_code }} after the 2 × 24 hour deadline. The report was accepted "
                     "and is flagged late in the claim's history."),
            "short": "JKK claim {{ claim_code }}: stage {{ stage }} report of NPP {{ npp }} was late.",
        },
    },
}
