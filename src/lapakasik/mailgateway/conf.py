"""Settings of the mail gateway (read from ``settings``, with defaults for what ``settings/email.py``
does not define)."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages


def storage() -> Any:
    """Where raw messages are kept (``STORAGES["default"]``, like documents)."""
    return storages["default"]


def host() -> str:
    return str(getattr(settings, "MAILGATEWAY_HOST", "127.0.0.1"))


def port() -> int:
    return int(getattr(settings, "MAILGATEWAY_PORT", 2525))


def lease_seconds() -> int:
    """How long a worker holds a message it is processing before another may take it over
    (``MAILGATEWAY_LEASE_SECONDS``, default 180); renewed after every file while it works."""
    return max(1, int(getattr(settings, "MAILGATEWAY_LEASE_SECONDS", os.environ.get("MAILGATEWAY_LEASE_SECONDS", 180))))


def max_message_bytes() -> int:
    """Advertised SIZE (EHLO) and enforced during DATA."""
    return int(getattr(settings, "MAILGATEWAY_MAX_MESSAGE_BYTES", 40 * 1024 * 1024))


def max_recipients() -> int:
    return int(getattr(settings, "MAILGATEWAY_MAX_RECIPIENTS", os.environ.get("MAILGATEWAY_MAX_RECIPIENTS", 20)))


def spool_dir() -> Path:
    """Where DATA is streamed while it arrives (then moved into storage)."""
    configured = getattr(settings, "MAILGATEWAY_SPOOL_DIR", "") or os.environ.get("MAILGATEWAY_SPOOL_DIR", "")
    path = Path(configured) if configured else Path(settings.DATA_DIR) / "mail-spool"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _host_tag() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:64] or "host"


def spool_prefix() -> str:
    """Spool file names carry the machine and the pid of the gateway writing them
    (``in-<host>-<pid>-<random>.eml``), so a starting gateway can tell a dead one's leftovers from
    a transfer another live gateway on the same spool directory is receiving."""
    return f"in-{_host_tag()}-{os.getpid()}-"


def spool_owner(name: str) -> tuple[str, int] | None:
    """``(host, pid)`` of a spool file name written by ``spool_prefix``; None for any other name."""
    if not (name.startswith("in-") and name.endswith(".eml")):
        return None
    parts = name[3:-4].rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def this_host() -> str:
    return _host_tag()


def storage_prefix() -> str:
    return str(getattr(settings, "MAILGATEWAY_STORAGE_PREFIX", "mail/inbound")).strip("/")


def server_hostname() -> str:
    return str(getattr(settings, "MAILGATEWAY_HOSTNAME", "") or os.environ.get("MAILGATEWAY_HOSTNAME", "")
               or getattr(settings, "INTAKE_DOMAIN", "localhost"))


def raw_retention_days() -> int:
    """Days a processed message's raw file is kept (0 = keep for ever, the default: it is the evidence
    of what was sent). The documents themselves are kept by the intake app regardless."""
    return int(getattr(settings, "MAILGATEWAY_RAW_RETENTION_DAYS", 0)
               or os.environ.get("MAILGATEWAY_RAW_RETENTION_DAYS", 0) or 0)


def max_messages_per_claim_hour() -> int:
    """More messages than this for one claim within an hour are deferred at RCPT (450; the MTA retries
    later). 0 = no limit."""
    return int(getattr(settings, "MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR", 0)
               or os.environ.get("MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR", 30) or 0)


def trusted_authserv_ids() -> list[str]:
    """authserv-ids of the MTA(s) whose ``Authentication-Results`` header is trusted (RFC 8601). Empty =
    the header is ignored (a sender can write one). ``MAILGATEWAY_TRUSTED_AUTHSERV_IDS`` (a list or a
    comma-separated string); ``MAILGATEWAY_TRUSTED_AUTHSERV_ID`` (one) is read as well."""
    raw = getattr(settings, "MAILGATEWAY_TRUSTED_AUTHSERV_IDS", None)
    if raw is None:
        raw = os.environ.get("MAILGATEWAY_TRUSTED_AUTHSERV_IDS", "")
    single = getattr(settings, "MAILGATEWAY_TRUSTED_AUTHSERV_ID", None)
    if single is None:
        single = os.environ.get("MAILGATEWAY_TRUSTED_AUTHSERV_ID", "")
    items = list(raw) if isinstance(raw, list | tuple) else str(raw).split(",")
    items += str(single or "").split(",")
    return list(dict.fromkeys(str(i).strip().lower() for i in items if str(i).strip()))


def _int_setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    try:
        return max(0, int(value)) if str(value).strip() != "" else default
    except (TypeError, ValueError):
        return default


def unverified_max_files_per_claim() -> int:
    """Files from senders other than the claim's own address that are kept (HELD) per claim at a time;
    more are refused and not stored. They never count against the participant's own limits."""
    return _int_setting("MAILGATEWAY_UNVERIFIED_MAX_FILES_PER_CLAIM", 10)


def unverified_max_bytes_per_claim() -> int:
    """Bytes of HELD files (from other senders) kept per claim at a time."""
    return _int_setting("MAILGATEWAY_UNVERIFIED_MAX_BYTES_PER_CLAIM", 30 * 1024 * 1024)


def unverified_replies_per_sender_day() -> int:
    """Generic replies to one unverified sender address about one claim within 24 hours (0 = never
    reply to unverified senders)."""
    return _int_setting("MAILGATEWAY_UNVERIFIED_REPLIES_PER_SENDER_DAY", 1)


def unverified_replies_per_claim_day() -> int:
    """Generic replies to unverified senders (all addresses together) about one claim within 24 hours:
    a flood with a different forged From each time cannot turn the gateway into a mail cannon."""
    return _int_setting("MAILGATEWAY_UNVERIFIED_REPLIES_PER_CLAIM_DAY", 5)
