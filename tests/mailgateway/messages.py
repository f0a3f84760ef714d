"""Raw messages as real clients write them (hand-written MIME around generated content; no blobs)."""

from __future__ import annotations

import base64
import quopri


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")  # 76-character lines


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def iphone(*, to: str, photos: list[tuple[bytes, str, str]], sender: str = "siti@example.id",
           subject: str = "Dokumen klaim", message_id: str = "<B6A2F0E4-1C1D-4C3E-9E55-0A1B2C3D4E5F@example.id>") -> bytes:
    """Apple Mail on iOS: multipart/mixed, a text part, each photo as an *inline* part with a file
    name (x-unix-mode), and the "Dikirim dari iPhone saya" signature as a trailing text part."""
    boundary = "Apple-Mail-7C6B3F0A-90D5-4C55-8E9B-2E1C1B54F0A1"
    parts = [f"""--{boundary}
Content-Type: text/plain;
	charset=us-ascii
Content-Transfer-Encoding: 7bit

Selamat siang, berikut dokumen saya.

"""]
    for data, name, ctype in photos:
        parts.append(f"""--{boundary}
Content-Type: {ctype};
	name={name};
	x-unix-mode=0644
Content-Disposition: inline;
	filename={name}
Content-Transfer-Encoding: base64

{b64(data)}
""")
    parts.append(f"""--{boundary}
Content-Type: text/plain;
	charset=us-ascii
Content-Transfer-Encoding: 7bit



Dikirim dari iPhone saya
--{boundary}--
""")
    head = f"""Content-Type: multipart/mixed; boundary={boundary}
Content-Transfer-Encoding: 7bit
From: Siti Rahayu <{sender}>
Mime-Version: 1.0 (1.0)
Date: Wed, 25 Nov 2026 13:05:11 +0700
Subject: {subject}
Message-Id: {message_id}
To: {to}
X-Mailer: iPhone Mail (21F90)

"""
    return crlf(head + "".join(parts))


def outlook(*, to: str, attachment: tuple[bytes, str, str], sender: str = "siti@example.id",
            logo: bytes = b"", message_id: str = "<SG2PR06MB5313A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6@SG2PR06MB5313.apcprd06.prod.outlook.com>",
            subject: str = "=?iso-8859-1?Q?Kartu_Keluarga_untuk_klaim?=") -> bytes:
    """Outlook: multipart/mixed > multipart/related > multipart/alternative (text/plain + HTML, both
    quoted-printable, Windows line breaks), a signature logo image001.png embedded by Content-ID, and
    the attachment with an encoded-word file name and an upper-case extension."""
    data, name, ctype = attachment
    encoded_name = "=?utf-8?B?" + base64.b64encode(name.encode("utf-8")).decode() + "?="
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
            '<body><p>Dengan hormat, terlampir Kartu Keluarga saya untuk pengajuan klaim JHT.</p>'
            '<p><img src="cid:image001.png@01DA1F2E.5C3B7A10" width="120" height="40"></p></body></html>')
    plain = "Dengan hormat, terlampir Kartu Keluarga saya untuk pengajuan klaim JHT.\n\n[logo]"
    qp_html = quopri.encodestring(html.encode("latin-1")).decode()
    qp_plain = quopri.encodestring(plain.encode("latin-1")).decode()
    text = f"""From: Siti Rahayu <{sender}>
To: "{to}" <{to}>
Subject: {subject}
Thread-Topic: Kartu Keluarga untuk klaim
Thread-Index: AdofLlw7nmgzd0ZpQzqmZbCTn3ZxTw==
Date: Wed, 25 Nov 2026 06:05:11 +0000
Message-ID: {message_id}
Accept-Language: id-ID, en-US
Content-Language: id-ID
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
	boundary="_004_SG2PR06MB5313_"
MIME-Version: 1.0

--_004_SG2PR06MB5313_
Content-Type: multipart/related;
	boundary="_003_SG2PR06MB5313_";
	type="multipart/alternative"

--_003_SG2PR06MB5313_
Content-Type: multipart/alternative;
	boundary="_000_SG2PR06MB5313_"

--_000_SG2PR06MB5313_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp_plain}

--_000_SG2PR06MB5313_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp_html}

--_000_SG2PR06MB5313_--

"""
    if logo:
        text += f"""--_003_SG2PR06MB5313_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size={len(logo)};
	creation-date="Wed, 25 Nov 2026 06:05:10 GMT";
	modification-date="Wed, 25 Nov 2026 06:05:10 GMT"
Content-ID: <image001.png@01DA1F2E.5C3B7A10>
Content-Transfer-Encoding: base64

{b64(logo)}
"""
    text += f"""--_003_SG2PR06MB5313_--

--_004_SG2PR06MB5313_
Content-Type: {ctype}; name="{encoded_name}"
Content-Description: {encoded_name}
Content-Disposition: attachment; filename="{encoded_name}"; size={len(data)};
	creation-date="Wed, 25 Nov 2026 06:04:55 GMT";
	modification-date="Wed, 25 Nov 2026 06:04:55 GMT"
Content-Transfer-Encoding: base64

{b64(data)}
--_004_SG2PR06MB5313_--
"""
    return crlf(text)


def simple(*, to: str, parts: list[str], subject: str = "Dokumen", sender: str = "siti@example.id",
           boundary: str = "==b1==", message_id: str = "<simple-1@example.id>", body: str = "Berikut dokumen saya.",
           closing: bool = True) -> bytes:
    """multipart/mixed with a plain text body and the given raw parts (each a header block + body)."""
    text = f"""From: {sender}
To: {to}
Subject: {subject}
Message-ID: {message_id}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{boundary}"

This is a multi-part message in MIME format.
--{boundary}
Content-Type: text/plain; charset=utf-8

{body}
"""
    for part in parts:
        text += f"--{boundary}\n{part}\n"
    if closing:
        text += f"--{boundary}--\n"
    return crlf(text)


def attachment_part(data: bytes, *, filename_header: str = "", ctype: str = "application/octet-stream",
                    encoding: str = "base64", disposition: str = "attachment") -> str:
    disp = f"Content-Disposition: {disposition}" + (f";\n {filename_header}" if filename_header else "")
    body = b64(data) if encoding == "base64" else quopri.encodestring(data).decode("ascii")
    return f"Content-Type: {ctype}\n{disp}\nContent-Transfer-Encoding: {encoding}\n\n{body}"


def forwarded(*, to: str, inner: bytes, sender: str = "siti@example.id", subject: str = "Fwd: dokumen",
              message_id: str = "<fwd-1@example.id>", encode_inner: bool = False) -> bytes:
    """A message forwarded as an attachment (message/rfc822), as Thunderbird/Outlook "forward as
    attachment" do; ``encode_inner`` base64-encodes it (seen from some webmails)."""
    boundary = "------------fwd0123456789"
    body = inner.decode("utf-8") if not encode_inner else b64(inner)
    cte = "Content-Transfer-Encoding: base64\n" if encode_inner else ""
    text = f"""From: {sender}
To: {to}
Subject: {subject}
Message-ID: {message_id}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

Saya teruskan e-mail dari HRD.

--{boundary}
Content-Type: message/rfc822; name="dari HRD.eml"
Content-Disposition: attachment; filename="dari HRD.eml"
{cte}
{body.replace(chr(13), "")}
--{boundary}--
"""
    return crlf(text)
