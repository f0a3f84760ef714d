"""Pieces of text several events' defaults share: the list of received / refused / missing documents
and where to send documents (the personal upload link, the claim's e-mail address)."""

DOCS_LIST_ID = (
    "{% if received %}Sudah kami terima:\n{% for r in received %}- {{ r.filename }}{% if r.requirement %} "
    "({{ r.requirement }}){% endif %}\n{% endfor %}{% endif %}"
    "{% if refused %}Tidak dapat kami terima:\n{% for r in refused %}- {{ r.filename }}: {{ r.reason }}\n"
    "{% endfor %}{% endif %}"
    "{% if missing %}Masih kurang:\n{% for m in missing %}- {{ m.label }}\n{% endfor %}{% endif %}"
)
DOCS_LIST_EN = (
    "{% if received %}Received:\n{% for r in received %}- {{ r.filename }}{% if r.requirement %} "
    "({{ r.requirement }}){% endif %}\n{% endfor %}{% endif %}"
    "{% if refused %}Not accepted:\n{% for r in refused %}- {{ r.filename }}: {{ r.reason }}\n"
    "{% endfor %}{% endif %}"
    "{% if missing %}Still missing:\n{% for m in missing %}- {{ m.label }}\n{% endfor %}{% endif %}"
)
SEND_DOCS_ID = ("{% if upload_url %}Unggah dokumen: {{ upload_url }}\n{% endif %}"
                 "{% if email_address %}Atau kirim lewat e-mail ke: {{ email_address }}\n{% endif %}")
SEND_DOCS_EN = ("{% if upload_url %}Upload documents: {{ upload_url }}\n{% endif %}"
                 "{% if email_address %}Or e-mail them to: {{ email_address }}\n{% endif %}")
