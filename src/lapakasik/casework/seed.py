"""Casework demo data: a few claims at the demo officers' branch (Sudirman, JKT01) booked for its next
open sessions the way participants book them, with documents sent through intake's pipeline — so a
newcomer who signs in as ``petugas.sudirman`` finds a queue and can take the next claim — and one of them
taken, its files accepted, its confirmation call reached and verified by ``petugas.sudirman``: a claim
ready to approve or reject (the benefit decision). Idempotent."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from PIL import Image, ImageDraw

from lapakasik.booking.models import SlotQuota
from lapakasik.booking.services import booking_create
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.claims.services import Actor
from lapakasik.core import clock
from lapakasik.intake.catalogue import claim_checklist, claim_registry_record
from lapakasik.intake.models import Document, DocumentStatus
from lapakasik.intake.receive import document_receive
from lapakasik.registry.models import DemoParticipant

from . import services

BRANCH = "JKT01"
CLAIMS = 5  # documents complete for the first four; the fifth still owes some


def _scan(label: str, seed: int) -> bytes:
    """A legible sample "scan": the document's name on a card, as a phone photo would show it."""
    image = Image.new("RGB", (1200, 760), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 1160, 720), outline=(30, 60, 120), width=8)
    draw.rectangle((80, 200, 360, 560), fill=(190, 200, 215))
    draw.text((420, 120), f"CONTOH / SAMPLE — {label}", fill=(20, 20, 20))
    for row in range(8):
        draw.line((420, 220 + row * 50, 1100 - (seed * 37 + row * 53) % 300, 220 + row * 50), fill=(60, 60, 60), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


def seed_demo(stdout: Any = None, **options: Any) -> int:
    made = _queue(stdout)
    code = _verified(stdout)
    return made + (1 if code else 0)


def _queue(stdout: Any) -> int:
    if Claim.objects.filter(branch__code=BRANCH).exists():
        return 0
    now = clock.now()
    slots = list(SlotQuota.objects.filter(branch__code=BRANCH, starts_at__gt=now, closed=False)
                 .order_by("starts_at")[:3])
    taken = set(Claim.objects.values_list("insured_nik", flat=True))
    people = [p for p in DemoParticipant.objects.filter(case="eligible").order_by("id") if p.nik not in taken][:CLAIMS]
    made = 0
    for n, person in enumerate(people):
        if not slots:
            break
        slot = slots[n % len(slots)]
        with transaction.atomic():
            booked = booking_create(
                branch_code=BRANCH, date=slot.date, session_start=f"{slot.session_start:%H:%M}", claim_type="JHT",
                claim_reason="RESIGNED", nik=person.nik, kpj=person.kpj, full_name=person.full_name,
                email=f"peserta{n + 1}@contoh.id", phone=f"+62812000{n + 1:05d}", channels=["email", "whatsapp"])
        claim = booked.claim
        items = [i for i in claim_checklist(claim).items if i.required]
        if n == CLAIMS - 1:
            items = items[:1]
        for k, item in enumerate(items):
            for f in range(item.min_files):
                document_receive(claim=claim, fileobj=io.BytesIO(_scan(item.label, n * 10 + k + f)),
                                 filename=f"{item.code}{'-' + str(f + 1) if item.min_files > 1 else ''}.jpg",
                                 declared_type="image/jpeg", source="WEB", requirement_code=item.code,
                                 actor=Actor.participant())
        made += 1
    if stdout is not None:
        stdout.write(f"casework: {made} demo claims at {BRANCH} (sign in as petugas.sudirman, then Ambil berikutnya)")
    return made


OFFICER = "petugas.sudirman"


def _verified(stdout: Any) -> str:
    """One demo claim VERIFIED by the demo officer, the way an officer gets there (take it, accept every
    file, a confirmation call reached, verify): the one with the largest JHT balance, so the decision shows
    the tax above Rp 50,000,000 and, above the four-eyes amount, the supervisor's second approval."""
    if Claim.objects.filter(branch__code=BRANCH, state=workflow.State.VERIFIED).exists():
        return ""
    user = get_user_model().objects.filter(username=OFFICER).first()
    candidates = list(Claim.objects.filter(branch__code=BRANCH, state=workflow.State.DOCUMENTS_RECEIVED,
                                           assignee__isnull=True).select_related("branch"))
    if user is None or not candidates:
        return ""
    claim = max(candidates, key=lambda c: getattr(claim_registry_record(c), "balance", 0))
    services.claim_take(user=user, claim=claim)
    for doc in Document.objects.filter(claim=claim, status=DocumentStatus.RECEIVED).select_related("requirement"):
        services.document_decide(user=user, document=doc, accept=True,
                                 requirement_code=doc.requirement.code if doc.requirement else None)
    start = (clock.now() + timedelta(minutes=5)).replace(second=0, microsecond=0)
    [call] = services.confirmation_schedule(user=user, claims=[claim], channel="phone",
                                            window=services.Window(start, start + timedelta(minutes=30)))
    services.confirmation_record(user=user, confirmation_id=call.pk, outcome="reached",
                                 notes="Data dikonfirmasi (demo).")
    services.claim_verify(user=user, claim=claim)
    if stdout is not None:
        stdout.write(f"casework: claim {claim.code} at {BRANCH} verified, ready to decide "
                     f"(sign in as {OFFICER}; a second approval as kepala.sudirman)")
    return str(claim.code)
