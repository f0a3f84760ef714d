"""Every write of the dropbox's chain of custody. Each step runs in one transaction with the claim locked
(``claims.services.claim_lock``; lock order: claim, then envelope), records a ``ClaimEvent`` with the person
and the time, and changes nothing when it is refused.

receipt (serial or search) → disinfection (method; starts the quarantine) → hand-over batch (front desk, after
the quarantine; counts must match) → acceptance (back office; a mismatch is flagged and escalated) →
digitised (pages through intake's one pipeline with source ``DROPBOX``; where the original went)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.branches.models import Branch
from lapakasik.branches.selectors import branch_effective_policy
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import Actor, applicant_recipient, claim_event_record, claim_lock
from lapakasik.core import clock
from lapakasik.core.codes import new_code, new_token
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.intake import policy as intake_policy
from lapakasik.intake.models import Source
from lapakasik.intake.receive import document_receive
from lapakasik.intake.selectors import ack_context, cover_sheet_by_serial
from lapakasik.intake.services import dropbox_arrival_mark
from lapakasik.intake.types import ReceiveResult
from lapakasik.notifications.recipients import Recipient
from lapakasik.notifications.services import notification_enqueue

from . import policy, selectors
from .models import Envelope, EnvelopeState, HandoverBatch, MatchedBy, Original

log = logging.getLogger(__name__)


def form_id_new() -> str:
    return new_token(18)


@dataclass(frozen=True)
class Received:
    envelope: Envelope
    created: bool  # False: the same form sent twice — the first receipt is answered, nothing new recorded


def _serial_refusal(text: str) -> InvalidInput:
    value = (text or "").strip()
    if value.upper().startswith("LAPAKASIK:") and not value.upper().startswith(intake_policy.COVER_SHEET_QR_PREFIX):
        message = _("Ini kode tiket antrean, bukan lembar sampul dropbox. Pindai kode QR di lembar sampul, "
                    "atau cari klaimnya dengan kode klaim, NIK atau nama.")
        code = "not_a_cover_sheet"
    elif not value:
        message, code = _("Pindai kode QR lembar sampul atau ketik nomornya."), "serial_missing"
    else:
        message = _("Nomor lembar sampul tidak dikenal. Periksa nomor di bawah kode QR (16 huruf/angka), atau cari "
                    "klaimnya dengan kode klaim, NIK atau nama.")
        code = "unknown_serial"
    return InvalidInput(message, code=code, fields={"serial": [str(message)]})


def envelope_receive_by_serial(*, branch: Branch, user: Any, scanned: str, form_id: str) -> Received:
    """The front desk scans (camera or USB scanner) or types the cover sheet's serial. An unknown or malformed
    code is refused (422, nothing written): the desk then searches for the claim. A sheet seen before is received
    and flagged (``serial_reused``: reused or photocopied), a sheet of another branch's dropbox received and
    flagged (routed to the claim's branch), an envelope at a branch whose dropbox is suspended received and
    flagged — never refused at the door."""
    serial = intake_policy.serial_from_scan(scanned)
    sheet = cover_sheet_by_serial(serial) if serial else None
    if sheet is None:
        raise _serial_refusal(scanned)
    return _receive(branch=branch, user=user, claim=sheet.claim, sheet=sheet, matched_by=MatchedBy.SERIAL,
                    form_id=form_id)


def envelope_receive_by_search(*, branch: Branch, user: Any, claim_id: int, matched_by: str, form_id: str) -> Received:
    """An envelope without a cover sheet, matched to the claim the desk found by claim code, NIK or name
    (``selectors.claims_search``: claims of the branch's region still taking documents)."""
    if matched_by not in (MatchedBy.CLAIM_CODE, MatchedBy.NIK, MatchedBy.NAME):
        raise InvalidInput(_("Cari klaimnya dulu, lalu pilih dari hasil pencarian."), code="match_invalid")
    claim = selectors.claim_for_receipt(branch, claim_id)
    if claim is None:
        raise NotFound(_("Klaim tidak ditemukan. Cari lagi dengan kode klaim, NIK atau nama."), code="claim_not_found")
    return _receive(branch=branch, user=user, claim=claim, sheet=None, matched_by=matched_by, form_id=form_id)


def _receive(*, branch: Branch, user: Any, claim: Claim, sheet: Any, matched_by: str, form_id: str) -> Received:
    if not form_id or len(form_id) > 32:
        raise Conflict(_("Formulir ini sudah tidak berlaku. Muat ulang halaman lalu pindai lagi."), code="form_expired")
    earlier = selectors.envelope_by_form(form_id)
    if earlier is not None:
        return _same_form(earlier, claim, sheet)
    actor = Actor.officer(user)
    now = clock.now()
    try:
        with transaction.atomic():
            locked = claim_lock(claim)
            first = (Envelope.objects.filter(cover_sheet=sheet).order_by("received_at", "id").first()
                     if sheet is not None else None)
            other_branch = (sheet.branch_id != branch.pk) if sheet is not None else (locked.branch_id != branch.pk)
            online_only = not branch_effective_policy(branch, now).dropbox_allowed
            envelope = Envelope.objects.create(
                claim=locked, received_branch=branch, destination_id=locked.branch_id, cover_sheet=sheet,
                matched_by=matched_by, form_id=form_id, serial_reused=first is not None, first_with_serial=first,
                other_branch=other_branch, online_only=online_only, received_at=now, received_by=user)
            flags = [name for name, on in (("serial_reused", first is not None), ("other_branch", other_branch),
                                           ("online_only", online_only)) if on]
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.ENVELOPE_RECEIVED, actor=actor, data={
                "envelope": envelope.pk, "branch": branch.code, "matched_by": matched_by,
                "cover_sheet": sheet.pk if sheet is not None else None, "flags": flags,
                "destination": locked.branch.code})
            dropbox_arrival_mark(locked_claim=locked, now=now)
            to = applicant_recipient(locked)
            notification_enqueue(event="envelope_received", claim=locked, to=to, context={
                "received_branch": branch.name, "quarantine_hours": selectors.quarantine_hours(),
                "received_local": long_moment(selectors.local(now, branch), branch.tz_abbreviation, to.language or "id")})
    except IntegrityError:
        earlier = selectors.envelope_by_form(form_id)  # the twin request committed first
        if earlier is None:
            raise
        return _same_form(earlier, claim, sheet)
    log.info("dropbox: envelope %s received at %s flags=%s", envelope.pk, branch.code, ",".join(flags) or "-")
    return Received(envelope=envelope, created=True)


def _same_form(earlier: Envelope, claim: Claim, sheet: Any) -> Received:
    if earlier.claim_id == claim.pk and earlier.cover_sheet_id == (sheet.pk if sheet is not None else None):
        return Received(envelope=earlier, created=False)
    raise Conflict(_("Formulir ini sudah dipakai untuk amplop lain. Muat ulang halaman lalu pindai lagi."),
                   code="form_used")


def _envelope_for(branch: Branch, envelope_id: int, *, at_destination: bool = False) -> Envelope:
    envelope = selectors.envelope_get(envelope_id)
    if envelope is None or (envelope.destination_id if at_destination else envelope.received_branch_id) != branch.pk:
        raise NotFound(_("Amplop tidak ditemukan."), code="envelope_not_found")
    return envelope


def envelope_disinfect(*, branch: Branch, user: Any, envelope_id: int, method: str) -> Envelope:
    """The envelope was disinfected (``policy.DISINFECTION_METHODS``): its quarantine starts now, for
    ``DROPBOX_QUARANTINE_HOURS``. Recorded once: a second time is refused (409), naming when and by whom."""
    if method not in policy.DISINFECTION_METHODS:
        message = _("Pilih cara disinfeksi dari daftar.")
        raise InvalidInput(message, code="method_invalid", fields={"method": [str(message)]})
    envelope = _envelope_for(branch, envelope_id)
    with transaction.atomic():
        locked_claim = claim_lock(envelope.claim)
        env = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if env.disinfected_at is not None:
            when = long_moment(selectors.local(env.disinfected_at, branch), branch.tz_abbreviation)
            raise Conflict(_("Amplop ini sudah didisinfeksi pada %(when)s. Disinfeksi hanya dicatat sekali.")
                           % {"when": when}, code="already_disinfected")
        if not policy.step_allowed("disinfect", env.state):
            raise Conflict(_("Amplop ini tidak lagi di pintu."), code="invalid_step")
        now = clock.now()
        env.state = EnvelopeState.DISINFECTED
        env.disinfected_at, env.disinfected_by, env.disinfection_method = now, user, method
        env.quarantine_until = policy.quarantine_until(now, selectors.quarantine_hours())
        env.save(update_fields=["state", "disinfected_at", "disinfected_by", "disinfection_method", "quarantine_until"])
        claim_event_record(claim=locked_claim, kind=ClaimEvent.Kind.ENVELOPE_DISINFECTED, actor=Actor.officer(user),
                           data={"envelope": env.pk, "method": method, "quarantine_until": env.quarantine_until.isoformat()})
    return env


def _quarantine_refusal(env: Envelope, branch: Branch) -> Conflict:
    assert env.quarantine_until is not None
    until = long_moment(selectors.local(env.quarantine_until, branch), branch.tz_abbreviation)
    return Conflict(_("Amplop %(id)s masih dikarantina sampai %(until)s. Jangan dibuka atau dipindahkan sebelum itu.")
                    % {"id": env.pk, "until": until}, code="quarantine_active")


def batch_create(*, branch: Branch, user: Any, envelope_ids: list[int], counted: int | None) -> HandoverBatch:
    """The front desk hands envelopes over: every one disinfected, out of quarantine, still at this door and
    of one destination; the number counted into the bag must be the number listed (else 422, nothing written:
    recount). One batch per destination."""
    ids = sorted(set(envelope_ids))
    refusal = policy.batch_count_refusal(listed=len(ids), counted=counted)
    if refusal == "empty":
        raise InvalidInput(_("Pilih amplop yang diserahkan."), code="batch_empty")
    if refusal == "count_mismatch":
        message = _("Jumlah yang Anda hitung (%(counted)s) tidak sama dengan amplop yang dipilih (%(listed)s). "
                    "Hitung ulang amplop di kantong.") % {"counted": "?" if counted is None else counted,
                                                          "listed": len(ids)}
        raise InvalidInput(message, code="count_mismatch", fields={"counted": [str(message)]})
    envelopes = list(Envelope.objects.select_related("claim", "destination").filter(pk__in=ids))
    if len(envelopes) != len(ids) or any(e.received_branch_id != branch.pk for e in envelopes):
        raise NotFound(_("Amplop tidak ditemukan."), code="envelope_not_found")
    destinations = {e.destination_id for e in envelopes}
    if len(destinations) != 1:
        raise InvalidInput(_("Satu serah terima untuk satu cabang tujuan. Pisahkan amplop per cabang."),
                           code="mixed_destinations")
    now = clock.now()
    actor = Actor.officer(user)
    with transaction.atomic():
        claims = {c.pk: claim_lock(c) for c in sorted({e.claim for e in envelopes}, key=lambda c: c.pk)}
        locked = list(Envelope.objects.select_for_update().filter(pk__in=ids).order_by("id"))
        for env in locked:
            if env.batch_id is not None or not policy.step_allowed("hand_over", env.state):
                raise Conflict(_("Amplop %(id)s belum didisinfeksi atau sudah diserahkan.") % {"id": env.pk},
                               code="invalid_step")
            if not policy.quarantine_over(now=now, until=env.quarantine_until):
                raise _quarantine_refusal(env, branch)
        batch = HandoverBatch.objects.create(reference="ST" + new_code(8), from_branch=branch,
                                             to_branch_id=destinations.pop(), sent_count=len(locked), sent_at=now,
                                             sent_by=user)
        Envelope.objects.filter(pk__in=ids).update(batch=batch, state=EnvelopeState.HANDED_OVER)
        for env in locked:
            claim_event_record(claim=claims[env.claim_id], kind=ClaimEvent.Kind.ENVELOPE_HANDED_OVER, actor=actor,
                               data={"envelope": env.pk, "batch": batch.reference, "to": batch.to_branch.code})
    return batch


@dataclass(frozen=True)
class Reconciled:
    batch: HandoverBatch
    missing: list[Envelope] = field(default_factory=list)


def batch_accept(*, branch: Branch, user: Any, batch_id: int, present_ids: list[int], counted: int | None) -> Reconciled:
    """The back office takes the batch: ticks the envelopes found and types how many it counted. When both are
    what was sent the batch reconciles; otherwise it is flagged ``MISMATCH`` at once, the envelopes not found
    are marked ``MISSING`` (each in its claim's history) and the supervisors of both branches are told by
    e-mail. Accepted once (a second time: 409)."""
    batch = selectors.batch_get(batch_id)
    if batch is None or batch.to_branch_id != branch.pk:
        raise NotFound(_("Serah terima tidak ditemukan."), code="batch_not_found")
    if counted is None or counted < 0 or counted > 10_000:
        message = _("Tulis jumlah amplop yang Anda hitung di kantong.")
        raise InvalidInput(message, code="counted_missing", fields={"counted": [str(message)]})
    now = clock.now()
    actor = Actor.officer(user)
    with transaction.atomic():
        envelopes = list(Envelope.objects.select_related("claim", "cover_sheet").filter(batch_id=batch.pk))
        claims = {c.pk: claim_lock(c) for c in sorted({e.claim for e in envelopes}, key=lambda c: c.pk)}
        locked = HandoverBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != HandoverBatch.Status.SENT:
            raise Conflict(_("Serah terima ini sudah diterima."), code="batch_already_accepted")
        present = {e.pk for e in envelopes} & set(present_ids)
        missing = [e for e in envelopes if e.pk not in present]
        for env in envelopes:
            if not policy.quarantine_over(now=now, until=env.quarantine_until):
                raise _quarantine_refusal(env, branch)
        ok = policy.reconciles(sent=locked.sent_count, counted=counted, present=len(present))
        locked.status = HandoverBatch.Status.RECONCILED if ok else HandoverBatch.Status.MISMATCH
        locked.received_count, locked.accepted_at, locked.accepted_by = counted, now, user
        if not ok:
            locked.escalated_at = now
        locked.save(update_fields=["status", "received_count", "accepted_at", "accepted_by", "escalated_at"])
        Envelope.objects.filter(pk__in=present).update(state=EnvelopeState.ACCEPTED, accepted_at=now, accepted_by=user)
        Envelope.objects.filter(pk__in=[e.pk for e in missing]).update(state=EnvelopeState.MISSING)
        for env in envelopes:
            kind = ClaimEvent.Kind.ENVELOPE_ACCEPTED if env.pk in present else ClaimEvent.Kind.ENVELOPE_MISSING
            claim_event_record(claim=claims[env.claim_id], kind=kind, actor=actor,
                               data={"envelope": env.pk, "batch": locked.reference})
        if not ok:
            _escalate(locked, counted=counted, missing=missing)
    if not ok:
        log.warning("dropbox: hand-over %s does not reconcile (sent %s, counted %s, present %s)",
                    locked.reference, locked.sent_count, counted, len(present))
    return Reconciled(batch=locked, missing=missing)


def _escalate(batch: HandoverBatch, *, counted: int, missing: list[Envelope]) -> int:
    """Tell the supervisors of both branches (e-mail) in the caller's transaction. Returns how many."""
    supervisors = (OfficerProfile.objects.filter(role=Role.SUPERVISOR, user__is_active=True,
                                                 branch_id__in={batch.from_branch_id, batch.to_branch_id})
                   .exclude(user__email="").select_related("user"))
    listed = [{"claim_code": e.claim.code,
               "serial": intake_policy.serial_display(e.cover_sheet.serial) if e.cover_sheet else ""} for e in missing]
    told = 0
    for profile in supervisors:
        user = profile.user
        with translation.override("id"):
            notification_enqueue(
                event="handover_mismatch", to=Recipient(name=user.get_full_name() or user.get_username(),
                                                        email=user.email, channels=("email",)),
                context={"batch_ref": batch.reference, "branch": str(batch.to_branch.name),
                         "branch_from": str(batch.from_branch.name), "sent_count": batch.sent_count,
                         "received_count": counted, "missing_envelopes": listed}, channels=["email"])
        told += 1
    return told


def _envelope_to_digitise(branch: Branch, envelope_id: int) -> Envelope:
    envelope = _envelope_for(branch, envelope_id, at_destination=True)
    if not policy.step_allowed("digitise", envelope.state):
        raise Conflict(_("Amplop ini belum diterima dari serah terima, atau sudah selesai dipindai."),
                       code="invalid_step")
    if not policy.quarantine_over(now=clock.now(), until=envelope.quarantine_until):
        raise _quarantine_refusal(envelope, branch)
    return envelope


def envelope_pages_add(*, branch: Branch, user: Any, envelope_id: int, files: list[Any],
                       requirement_code: str | None) -> list[ReceiveResult]:
    """The officer scans the envelope's pages (images, or a multi-page PDF from the branch scanner) into the
    claim through intake's one pipeline, source ``DROPBOX``, each file matched to ``requirement_code`` (one of
    the claim's checklist) or classified by its name. A page the pipeline cannot read is refused with its
    reason and not stored; the envelope stays open for another scan."""
    envelope = _envelope_to_digitise(branch, envelope_id)
    if not files:
        message = _("Pilih hasil pindaian (JPG, PNG atau PDF).")
        raise InvalidInput(message, code="no_file", fields={"file": [str(message)]})
    actor = Actor.officer(user)
    results = []
    for f in files:
        results.append(document_receive(
            claim=envelope.claim, fileobj=f, filename=getattr(f, "name", "") or "", source=Source.DROPBOX,
            declared_type=getattr(f, "content_type", None), requirement_code=requirement_code or None, actor=actor,
            inbound_ref=selectors.inbound_ref(envelope)))
    return results


def envelope_digitised(*, branch: Branch, user: Any, envelope_id: int, original: str,
                       archive_location: str = "") -> Envelope:
    """The envelope is done: at least one page of it stored, and where the original went — the archive
    (a location is required) or back to the participant. The participant is told what arrived and what is
    still missing (``envelope_digitised``)."""
    if original not in Original.values:
        message = _("Pilih ke mana dokumen asli: arsip atau dikembalikan.")
        raise InvalidInput(message, code="original_invalid", fields={"original": [str(message)]})
    location = " ".join("".join(ch for ch in (archive_location or "") if ch.isprintable()).split())
    if original == Original.ARCHIVED and not location:
        message = _("Tulis lokasi arsip (mis. lemari, rak, map).")
        raise InvalidInput(message, code="archive_location_missing", fields={"archive_location": [str(message)]})
    if len(location) > 100:
        message = _("Lokasi arsip paling banyak 100 karakter.")
        raise InvalidInput(message, code="archive_location_too_long", fields={"archive_location": [str(message)]})
    envelope = _envelope_to_digitise(branch, envelope_id)
    with transaction.atomic():
        locked_claim = claim_lock(envelope.claim)
        env = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if not policy.step_allowed("digitise", env.state):
            raise Conflict(_("Amplop ini sudah selesai dipindai."), code="invalid_step")
        documents = list(selectors.envelope_documents(env))
        stored = [d for d in documents if d.status != "REFUSED"]
        if not stored:
            message = _("Belum ada halaman yang tersimpan dari amplop ini. Pindai dokumennya dulu.")
            raise Conflict(message, code="nothing_scanned")
        now = clock.now()
        env.state, env.digitised_at, env.digitised_by = EnvelopeState.DIGITISED, now, user
        env.original = original
        env.archive_location = location if original == Original.ARCHIVED else ""
        env.save(update_fields=["state", "digitised_at", "digitised_by", "original", "archive_location"])
        claim_event_record(claim=locked_claim, kind=ClaimEvent.Kind.ENVELOPE_DIGITISED, actor=Actor.officer(user),
                           data={"envelope": env.pk, "documents": [d.pk for d in stored], "original": original,
                                 "archive_location": env.archive_location})
        to = applicant_recipient(locked_claim)
        results = [ReceiveResult(outcome="refused" if d.status == "REFUSED" else "received",
                                 filename=d.original_name or "", requirement_code=d.requirement.code if d.requirement
                                 else None, reason_code=d.reason_code) for d in documents]
        context = ack_context(locked_claim, [r for r in results if r.outcome != "refused"], language=to.language or "id")
        context.update(original=original, archive_branch=branch.name)
        notification_enqueue(event="envelope_digitised", claim=locked_claim, to=to, context=context)
    return env
