"""Where documents are kept: the storage (``STORAGES["default"]``: a private directory or S3) and the
names files get there (generated, never the sender's)."""

from __future__ import annotations

import logging
import os
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
