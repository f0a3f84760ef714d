"""The gateway process's writes: which claim an address belongs to (RCPT), keeping an accepted message
and queueing its processing (end of DATA), and the spool left by a crash. Processing a message into
documents runs in the worker: ``processing.inbound_message_process`` (task
``mailgateway.tasks.inbound_message_process``)."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F

from lapakasik.core import clock
from lapakasik.core.codes import new_token
from lapakasik.core.recovery import pid_alive
from lapakasik.intake.selectors import intake_address_resolve

from . import conf
from .conf import storage
from .headers import header_summary, read_headers
from .models import InboundMessage
from .tasks import inbound_message_process

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Gateway side


def recipient_resolve(address: str) -> int | None:
    """The id of the claim whose live intake address is ``address`` (None: refuse at RCPT)."""
    address = (address or "").strip()
    if not address or len(address) > 254:
        return None
    claim = intake_address_resolve(address)
    return claim.pk if claim is not None else None


def claim_over_inbound_limit(claim_id: int) -> bool:
    """True when the claim has had MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR messages in the last hour
    (a flood to one address: defer, the MTA retries later)."""
    limit = conf.max_messages_per_claim_hour()
    if limit <= 0:
        return False
    since = clock.now() - timedelta(hours=1)
    return InboundMessage.objects.filter(claim_id=claim_id, received_at__gte=since).count() >= limit


class _SpoolFile(File):  # type: ignore[type-arg]
    """Lets FileSystemStorage move the spool file into place (a rename) instead of copying it."""

    def temporary_file_path(self) -> str:
        return str(getattr(self.file, "name", ""))


def _fsync_stored(name: str) -> None:
    """Make the stored file and its directory entry durable (filesystem storage; S3 is durable on PUT)."""
    try:
        path = storage().path(name)
    except NotImplementedError:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    dfd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _raw_name() -> str:
    return f"{conf.storage_prefix()}/{clock.now():%Y/%m/%d}/{new_token(16)}.eml"


def inbound_message_store(*, spool_path: str, sha256: str, size: int, envelope_from: str,
                          recipients: dict[str, int], protocol: str = "smtp", peer: str = "") -> list[InboundMessage]:
    """Keep an accepted message (already fsync'ed in the spool) and queue its processing.

    One ``InboundMessage`` per recipient claim, all pointing to one raw file in storage. A message the
    claim already has (same Message-ID, or same SHA-256 when there is no Message-ID) is not kept again:
    its ``deliveries`` counter goes up and the spool file is removed. Returns the new rows (empty for
    a pure re-delivery). The file is in storage (fsync'ed) before the rows commit; the rows and the
    task commit together. Raises on failure (the gateway then answers 451 and the MTA retries)."""
    headers = read_headers(spool_path)
    subject, header_from, message_id = header_summary(headers)
    dedupe_key = message_id or f"sha256:{sha256}"
    claim_ids = sorted(set(recipients.values()))
    address_of = {claim_id: address for address, claim_id in recipients.items()}
    for _attempt in range(2):
        seen = set(InboundMessage.objects.filter(claim_id__in=claim_ids, dedupe_key=dedupe_key)
                   .values_list("claim_id", flat=True))
        if seen:
            InboundMessage.objects.filter(claim_id__in=seen, dedupe_key=dedupe_key).update(
                deliveries=F("deliveries") + 1)
        fresh = [c for c in claim_ids if c not in seen]
        if not fresh:
            _unlink(spool_path)
            log.info("mailgateway: message delivered again, kept once")
            return []
        if not os.path.exists(spool_path):
            # moved into storage by the first attempt, which then lost a race: let the MTA retry
            raise FileNotFoundError("spool file gone after a concurrent delivery")
        name = ""
        try:
            with open(spool_path, "rb") as fh:
                name = str(storage().save(_raw_name(), _SpoolFile(fh, name="message.eml")))
            _fsync_stored(name)
            with transaction.atomic():
                rows = [InboundMessage.objects.create(
                    claim_id=claim_id, recipient=address_of[claim_id][:254], envelope_from=envelope_from[:254],
                    header_from=header_from, message_id=message_id[:255], dedupe_key=dedupe_key[:255],
                    subject=subject, raw_file=name, sha256=sha256, size=size, protocol=protocol, peer=peer[:64],
                    received_at=clock.now()) for claim_id in fresh]
                for row in rows:
                    inbound_message_process.enqueue(row.pk)
        except IntegrityError:
            # the same message arrived on another connection at the same moment: look again
            _delete_stored(name)
            continue
        except BaseException:
            _delete_stored(name)
            raise
        _unlink(spool_path)
        return rows
    _unlink(spool_path)
    return []


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _delete_stored(name: str) -> None:
    if not name:
        return
    try:
        storage().delete(name)
    except Exception:
        log.warning("mailgateway: could not remove stored message %s", name)


def spool_leftovers_clean(*, older_than_seconds: int = 3600, grace_seconds: int = 5) -> int:
    """Remove spool files a crashed gateway left behind mid-transfer. Run when the gateway starts. A
    file named by a gateway of this machine whose process is gone goes at once (after a few seconds'
    grace); a file of a live process (another gateway on the same spool directory), of another machine
    or with an unknown name goes only when older than ``older_than_seconds``. No stored message points
    at a spool file (it is moved into storage before its row is written). Returns how many were removed."""
    removed = 0
    now = time.time()
    me = conf.this_host()
    for path in conf.spool_dir().glob("in-*.eml"):
        try:
            age = now - path.stat().st_mtime
            owner = conf.spool_owner(path.name)
            dead = (owner is not None and owner[0] == me and owner[1] != os.getpid()
                    and not pid_alive(owner[1]))
            if (dead and age >= grace_seconds) or age >= older_than_seconds:
                path.unlink()
                removed += 1
        except OSError:
            continue
    if removed:
        log.warning("mailgateway: removed %d spool file(s) left by a stopped gateway", removed)
    return removed
