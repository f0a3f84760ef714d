"""What a file part of an inbound message is called and whether it is a document at all: the sender's
file name made safe, the parts that are never documents (signatures, delivery reports) and the small
images embedded in an HTML body (signature logos, icons)."""

from __future__ import annotations

import re
import warnings
from email.header import decode_header, make_header

EMBEDDED_MIN_SIDE = 300  # an image embedded in an HTML body smaller than this is decoration

NOT_DOCUMENTS = {
    "application/pkcs7-signature": "signature", "application/x-pkcs7-signature": "signature",
    "application/pgp-signature": "signature", "application/pgp-keys": "signature",
    "message/delivery-status": "report", "message/disposition-notification": "report",
}

_ENCODED_WORD = re.compile(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=")


def clean_filename(name: str) -> str:
    """The last path segment of the sender's file name, encoded words decoded, unprintables dropped,
    at most 255 characters ("" when it had none)."""
    name = name or ""
    if _ENCODED_WORD.search(name):  # an encoded word the header parser left alone
        try:
            name = str(make_header(decode_header(name)))
        except Exception:  # noqa: S110
            pass
    name = name.replace("\\", "/").rpartition("/")[2]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:255]


def too_small_to_be_a_document(path: str, min_side: int) -> bool:
    """An image embedded in an HTML body (signature logo, social icons) whose shortest side is below
    ``min_side`` — read from the image header only, nothing decoded. Unreadable → False (the pipeline
    decides)."""
    try:
        from PIL import Image  # Pillow is loaded when a message has an embedded image, not on import

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                return min(img.size) < min_side
    except Exception:
        return False
