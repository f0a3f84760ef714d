"""Every message the decision and the payment send a participant — approved (amount, transfer date), rejected
(reason, next step), account to correct, paid (amount, masked account, date) — carries its authenticity code,
which ``/cek-pesan/`` confirms once sent, and links to nothing but ``/cek-pesan/``: never a page that asks for a
password or a one-time code."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.payments.conftest import give_account

pytestmark = pytest.mark.django_db

PARTICIPANT_EVENTS = {"claim_approved", "claim_paid", "claim_rejected", "bank_account_invalid"}


def _sent(claim: Any) -> list[Any]:
    """Deliver the claim's messages (the worker's task) and return them as delivered."""
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_dispatch

    rows = list(Notification.objects.filter(claim=claim, event__in=PARTICIPANT_EVENTS).order_by("id"))
    for row in rows:
        assert notification_dispatch(notification_id=row.pk) == "sent", row
        row.refresh_from_db()
    return rows


def _genuine_and_safe(row: Any, settings: Any) -> None:
    code = f"{row.verification_code[:4]}-{row.verification_code[4:]}"
    assert code in row.body_text, (row.event, row.body_text)
    links = re.findall(r"https?://[^\s\"'<>]+", row.body_text + row.body_html)
    check = f"{settings.PUBLIC_BASE_URL}/cek-pesan/"
    assert links and all(link.startswith(check) for link in links), (row.event, links)
    page = Client().get("/cek-pesan/", {"kode": code}).content.decode()
    assert "asli dari Lapak Asik" in page, row.event


def test_the_approved_and_paid_messages_carry_their_code(verified: Any, staff: Any, branch: Any,
                                                         settings: Any) -> None:
    from lapakasik.benefits.services import approval_second, claim_approve
    from lapakasik.payments import bankfiles
    from lapakasik.payments.batches import batch_close, batch_result_import
    from lapakasik.payments.models import PaymentInstruction

    claim = verified(balance=75_000_000)
    give_account(claim, officer=staff["officer"])
    claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    approval_second(user=staff["supervisor"], claim=claim, approve=True)
    batch = batch_close(branch=branch, user=staff["supervisor"])
    instr = PaymentInstruction.objects.get(claim=claim)
    batch_result_import(batch=batch, user=staff["supervisor"], content=bankfiles.result_csv(
        batch_reference=batch.reference, lines=[(instr.reference, True, instr.amount, date(2026, 12, 3), "", "")]))
    rows = _sent(claim)
    assert {r.event for r in rows} == {"claim_approved", "claim_paid"}
    for row in rows:
        _genuine_and_safe(row, settings)
    paid = next(r for r in rows if r.event == "claim_paid")
    assert "Rp 73.750.000" in paid.body_text and "******7890" in paid.body_text
    assert "1234567890" not in paid.body_text + paid.body_html


def test_the_rejected_and_account_messages_carry_their_code(verified: Any, staff: Any, settings: Any) -> None:
    from lapakasik.benefits.services import claim_reject_decision
    from lapakasik.payments.services import bank_account_check

    claim = verified()
    give_account(claim, check=False)
    bank_account_check(claim=claim, user=staff["officer"], matches=False, note="Nama di buku tabungan lain")
    claim_reject_decision(user=staff["officer"], claim=claim, reason_code="npwp_missing")
    rows = _sent(claim)
    assert {r.event for r in rows} == {"claim_rejected", "bank_account_invalid"}
    for row in rows:
        _genuine_and_safe(row, settings)
    rejected = next(r for r in rows if r.event == "claim_rejected")
    assert "Langkah berikutnya" in rejected.body_text
