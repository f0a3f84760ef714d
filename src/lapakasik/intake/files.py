"""Where documents are kept: the storage (``STORAGES["default"]``: a private directory or S3) and the
names files get there (generated, never the sender's)."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

from lapakasik.core import clock
from lapakasik.core.codes import new_token

log = logging.getLogger(__name__)


def storage() -> Any:
    return storages["default"]


def generated_name(claim_code: str, ext: str, suffix: str = "") -> str:
    prefix = str(getattr(settings, "INTAKE_STORAGE_PREFIX", "documents")).strip("/")
    day = clock.now().strftime("%Y/%m")
    return f"{prefix}/{day}/{claim_code}/{new_token(12)}{suffix}.{ext}"


# The officer viewer's rendered pages sit next to their document: "<file>.p<page>-<key>.view.jpg". The key
# is derived from the document (id, hash, file name) and the rendering settings, so a page rendered for
# one document is never found under another's name, and changed settings render afresh.
_VIEW_PAGE = re.compile(r"^(?P<owner>.+)\.p[0-9]+-[0-9a-f]{20}\.view\.jpg$")


def view_page_name(file: str, page: int, key: str) -> str:
    return f"{file}.p{page}-{key}.view.jpg"


def view_page_owner(name: str) -> str | None:
    """The document file a rendered page belongs to (None: not a rendered page)."""
    match = _VIEW_PAGE.match(name)
    return match.group("owner") if match else None


def save(name: str, path: str) -> str:
    """Store the file at ``path`` under ``name``; returns the name the storage chose."""
    with open(path, "rb") as fh:
        return str(storage().save(name, File(fh, name=os.path.basename(name))))


def delete_quietly(*names: str) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage().delete(name)
        except Exception:  # the orphan job will find it
            log.warning("intake: could not delete stored file %s", name)
