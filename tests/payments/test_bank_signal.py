"""The same bank account for claims of different insured NIKs is a broker signal (kind ``bank``, source
``payment``) flagging every such claim, recorded where the account is entered; it refuses nothing. The
same claim correcting its account, or different accounts, are not flagged; the number is in neither the
signal nor the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _save(claim: Any, number: str, bank_code: str = "014") -> Any:
    from lapakasik.claims.selectors import claim_applicant
    from lapakasik.claims.services import Actor
    from lapakasik.payments.services import bank_account_save

    return bank_account_save(claim=claim, bank_code=bank_code, account_number=number,
                             holder_name=claim_applicant(claim).full_name, actor=Actor.participant())


def _signals() -> list[Any]:
    from lapakasik.booking.models import BrokerSignal

    return list(BrokerSignal.objects.filter(source="payment").prefetch_related("entries"))


def test_one_account_for_two_insured_niks_flags_both_claims(verified_claim: Any,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    first, second, third = verified_claim(), verified_claim(), verified_claim()
    assert len({first.insured_nik, second.insured_nik, third.insured_nik}) == 3
    _save(first, "1234567890")
    assert _signals() == []
    account = _save(second, "1234567890")
    assert account.account_number == "1234567890"  # saved: a signal refuses nothing
    (signal,) = _signals()
    assert (signal.kind, signal.nik_count) == ("bank", 2)
    assert {e.claim_id for e in signal.entries.all()} == {first.pk, second.pk}
    assert "1234567890" not in signal.value
    _save(third, "1234567890")
    (signal,) = _signals()
    assert signal.nik_count == 3 and signal.entries.count() == 3
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "broker signal" in logged and "1234567890" not in logged and signal.value not in logged


def test_the_same_claim_correcting_its_account_is_not_flagged(verified_claim: Any) -> None:
    claim = verified_claim()
    _save(claim, "1234567890")
    _save(claim, "1234567890")
    _save(claim, "1234567891")
    assert _signals() == []


def test_different_accounts_or_banks_are_not_flagged(verified_claim: Any) -> None:
    _save(verified_claim(), "1234567890")
    _save(verified_claim(), "1234567899")
    _save(verified_claim(), "1234567890", bank_code="009")  # same digits, another bank
    assert _signals() == []
