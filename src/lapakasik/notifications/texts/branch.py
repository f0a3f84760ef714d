"""Default texts of the branch network's events: a change of a branch's channel policy (its dropbox
suspended, or open again), sent once to each participant it affects when the change starts, with the ways
still open to them."""

from __future__ import annotations

from .shared import SEND_DOCS_EN, SEND_DOCS_ID

VARIABLES: dict[str, frozenset[str]] = {
    "channel_policy_changed": frozenset({"mode", "dropbox_allowed", "valid_from_local", "policy_reason",
                                         "nearest_dropbox_branch", "nearest_dropbox_address", "cover_sheet_url"}),
}

TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "channel_policy_changed": {
        "id": {
            "subject": ("Klaim {{ claim_code }}: {% if dropbox_allowed %}dropbox {{ branch }} dibuka kembali"
                        "{% else %}dropbox {{ branch }} dihentikan{% endif %}"),
            "text": ("Halo {{ name }},\n\nMulai {{ valid_from_local }}, {{ branch }} "
                     "{% if dropbox_allowed %}kembali menerima dokumen lewat dropbox di depan kantor"
                     "{% else %}hanya melayani secara daring: dropbox dihentikan{% endif %}."
                     "{% if policy_reason %} Alasan: {{ policy_reason }}.{% endif %}\n\n"
                     "{% if dropbox_allowed %}Anda dapat membawa dokumen klaim {{ claim_code }} ke dropbox "
                     "{{ branch }} ({{ branch_address }}) dengan lembar sampul{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}, atau mengirimnya secara daring:\n"
                     "{% else %}Dokumen klaim {{ claim_code }} tetap dapat Anda kirim secara daring:\n{% endif %}"
                     + SEND_DOCS_ID +
                     "{% if not dropbox_allowed and nearest_dropbox_branch %}Dropbox terdekat yang masih buka: "
                     "{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }}).\n{% endif %}"
                     "\nBantuan: contact center {{ contact_centre }}."),
            "short": ("Klaim {{ claim_code }}: mulai {{ valid_from_local }} {% if dropbox_allowed %}dropbox "
                      "{{ branch }} dibuka kembali.{% else %}dropbox {{ branch }} dihentikan; kirim dokumen "
                      "secara daring{% if nearest_dropbox_branch %} atau ke dropbox {{ nearest_dropbox_branch }}"
                      "{% endif %}.{% endif %} Bantuan {{ contact_centre }}."),
        },
        "en": {
            "subject": ("Claim {{ claim_code }}: {% if dropbox_allowed %}the {{ branch }} dropbox is open again"
                        "{% else %}the {{ branch }} dropbox is suspended{% endif %}"),
            "text": ("Hello {{ name }},\n\nFrom {{ valid_from_local }}, {{ branch }} "
                     "{% if dropbox_allowed %}accepts documents through the dropbox outside the office again"
                     "{% else %}works online only: its dropbox is suspended{% endif %}."
                     "{% if policy_reason %} Reason: {{ policy_reason }}.{% endif %}\n\n"
                     "{% if dropbox_allowed %}You may bring the documents for claim {{ claim_code }} to the "
                     "{{ branch }} dropbox ({{ branch_address }}) with the cover sheet{% if cover_sheet_url %}: "
                     "{{ cover_sheet_url }}{% endif %}, or send them online:\n"
                     "{% else %}You can still send the documents for claim {{ claim_code }} online:\n{% endif %}"
                     + SEND_DOCS_EN +
                     "{% if not dropbox_allowed and nearest_dropbox_branch %}Nearest dropbox still open: "
                     "{{ nearest_dropbox_branch }} ({{ nearest_dropbox_address }}).\n{% endif %}"
                     "\nHelp: contact centre {{ contact_centre }}."),
            "short": ("Claim {{ claim_code }}: from {{ valid_from_local }} {% if dropbox_allowed %}the "
                      "{{ branch }} dropbox is open again.{% else %}the {{ branch }} dropbox is suspended; send "
                      "documents online{% if nearest_dropbox_branch %} or to the {{ nearest_dropbox_branch }} "
                      "dropbox{% endif %}.{% endif %} Help {{ contact_centre }}."),
        },
    },
}
