"""Default texts of payment: the bank account that cannot be paid to yet (to the participant) and the
daily list of overdue payments (to the branch's supervisor)."""

from __future__ import annotations

VARIABLES: dict[str, frozenset[str]] = {
    "bank_account_invalid": frozenset(),
    "payment_overdue": frozenset({"overdue", "overdue_count"}),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "bank_account_invalid": {
        "id": {
            "subject": "Klaim {{ claim_code }}: rekening bank perlu diperbaiki",
            "text": ("Halo {{ name }},\n\nRekening bank untuk klaim {{ claim_code }} belum dapat kami pakai."
                     "{% if reason %}\nAlasan: {{ reason }}{% endif %}\n\n"
                     "Perbaiki rekening di halaman Booking saya (masuk dengan kode booking dan kode sekali pakai). "
                     "Rekening harus atas nama Anda sendiri. Kami tidak pernah meminta PIN, kode sekali pakai, "
                     "atau biaya pencairan."),
            "short": ("Klaim {{ claim_code }}: rekening bank perlu diperbaiki di halaman Booking saya. "
                      "Tanpa biaya apa pun."),
        },
        "en": {
            "subject": "Claim {{ claim_code }}: your bank account needs correcting",
            "text": ("Hello {{ name }},\n\nWe cannot use the bank account given for claim {{ claim_code }} yet."
                     "{% if reason %}\nReason: {{ reason }}{% endif %}\n\n"
                     "Correct the account on the My booking page (sign in with your booking code and the one-time "
                     "code). The account must be in your own name. We never ask for a PIN, a one-time code or a "
                     "payout fee."),
            "short": "Claim {{ claim_code }}: correct your bank account on the My booking page. No fees.",
        },
    },
    "payment_overdue": {
        "id": {
            "subject": "{{ branch }}: {{ overdue_count }} klaim melewati janji bayar",
            "text": ("Halo {{ name }},\n\n{{ overdue_count }} klaim di {{ branch }} belum dibayar setelah batas "
                     "standar layanan:\n{% for row in overdue %}- {{ row.code }} ({{ row.type }}, {{ row.state }}), "
                     "batas {{ row.due }}{% if row.reason %}: {{ row.reason }}{% endif %}\n{% endfor %}\n"
                     "Lihat antrean kerja dengan saringan \"Lewat batas\"."),
            "short": "{{ branch }}: {{ overdue_count }} klaim melewati janji bayar. Lihat antrean kerja.",
        },
        "en": {
            "subject": "{{ branch }}: {{ overdue_count }} claims past their payment date",
            "text": ("Hello {{ name }},\n\n{{ overdue_count }} claims at {{ branch }} are unpaid past the service "
                     "level:\n{% for row in overdue %}- {{ row.code }} ({{ row.type }}, {{ row.state }}), due "
                     "{{ row.due }}{% if row.reason %}: {{ row.reason }}{% endif %}\n{% endfor %}\n"
                     "See the work queue with the \"Overdue\" filter."),
            "short": "{{ branch }}: {{ overdue_count }} claims past their payment date. See the work queue.",
        },
    },
}
