"""The participant's bank account: only digits and the bank's length, the holder must be the applicant
(case, spacing, punctuation and titles aside); the officer's check; masked in history."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _save(claim: Any, **kw: Any) -> Any:
    from lapakasik.claims.services import Actor
    from lapakasik.payments.services import bank_account_save

    kw.setdefault("bank_code", "014")
    kw.setdefault("account_number", "1234567890")
    kw.setdefault("holder_name", "Siti Rahayu")
    return bank_account_save(claim=claim, actor=Actor.participant(), **kw)


@pytest.mark.parametrize("holder", ["Siti Rahayu", "SITI  RAHAYU", "Ibu Siti Rahayu, S.E.", "ibu. siti-rahayu",
                                    "Ny. Siti Rahayu S.Pd.", "Siti Rahayu."])
def test_the_holder_may_be_written_with_titles_case_and_punctuation(verified_claim: Any, holder: str) -> None:
    account = _save(verified_claim(), holder_name=holder)
    assert account.check_result == "unchecked"


@pytest.mark.parametrize("holder", ["Siti Rahayuningsih", "Budi Santoso", "Rahayu Siti", "Siti", "Ibu", "S.E."])
def test_a_holder_who_is_not_the_applicant_is_refused(verified_claim: Any, holder: str) -> None:
    from lapakasik.payments.models import BankAccount

    with pytest.raises(InvalidInput) as err:
        _save(verified_claim(), holder_name=holder)
    assert "holder_name" in err.value.fields
    assert "nama pemohon" in str(err.value.fields["holder_name"][0]) or "wajib" in str(err.value.fields["holder_name"][0])
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("bank, number, field, text", [
    ("014", "12345678AB", "account_number", "hanya berisi angka"),
    ("014", "123456789", "account_number", "terdiri dari 10 angka; yang diisi 9"),
    ("002", "1234567890", "account_number", "terdiri dari 15 angka"),
    ("014", "１２３４５６７８９０", "account_number", "hanya berisi angka"),  # full-width digits
    ("014", "", "account_number", "wajib"),
    ("999", "1234567890", "bank_code", "Bank tidak dikenal"),
    ("", "1234567890", "bank_code", "Bank tidak dikenal"),
])
def test_an_account_number_with_letters_or_the_wrong_length_is_refused(
        verified_claim: Any, bank: str, number: str, field: str, text: str) -> None:
    from lapakasik.payments.models import BankAccount

    with pytest.raises(InvalidInput) as err:
        _save(verified_claim(), bank_code=bank, account_number=number)
    assert text in str(err.value.fields[field][0])
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("holder", ["=HYPERLINK(\"x\")", "Siti <script>", "Siti 123", "x" * 101, ""])
def test_a_holder_name_that_is_no_name_is_refused(verified_claim: Any, holder: str) -> None:
    with pytest.raises(InvalidInput) as err:
        _save(verified_claim(), holder_name=holder)
    assert "holder_name" in err.value.fields


def test_spaces_and_dashes_in_the_number_are_dropped_and_history_keeps_it_masked(verified_claim: Any) -> None:
    from lapakasik.claims.models import ClaimEvent

    claim = verified_claim()
    account = _save(claim, account_number="1234-5678 90")
    assert account.account_number == "1234567890"
    event = ClaimEvent.objects.get(claim=claim, kind="bank_account_saved")
    assert event.data["account"] == "******7890"
    assert "1234567890" not in str(event.data)


def test_the_officer_check_and_a_correction_needing_a_new_check(verified_claim: Any, staff: dict[str, Any]) -> None:
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.selectors import bank_account_status
    from lapakasik.payments.services import bank_account_check

    claim = verified_claim()
    _save(claim)
    assert bank_account_status(claim).reason == "Rekening belum diperiksa petugas terhadap buku tabungan."
    with pytest.raises(InvalidInput):
        bank_account_check(claim=claim, user=staff["officer"], matches=False, note="  ")
    bank_account_check(claim=claim, user=staff["officer"], matches=False, note="Nomor di buku tabungan lain")
    status = bank_account_status(claim)
    assert not status.ready and "Nomor di buku tabungan lain" in status.reason
    assert Notification.objects.filter(claim=claim, event="bank_account_invalid").exists()
    _save(claim, account_number="1111111111")
    bank_account_check(claim=claim, user=staff["officer"], matches=True)
    assert bank_account_status(claim).ready
    _save(claim, account_number="2222222222")  # a correction: checked again before it is paid to
    assert not bank_account_status(claim).ready


def test_no_check_without_an_account_and_no_change_while_the_bank_has_it(
        verified_claim: Any, payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.payments.batches import batch_close
    from lapakasik.payments.services import bank_account_check

    with pytest.raises(Conflict) as err:
        bank_account_check(claim=verified_claim(nik="3174010101900091"), user=staff["officer"], matches=True)
    assert err.value.code == "no_bank_account"
    instr = payable(1000)
    batch_close(branch=branch, user=staff["supervisor"])
    with pytest.raises(Conflict) as err:
        _save(instr.claim, account_number="3333333333")
    assert err.value.code == "payment_at_bank"


def test_holder_mismatch_blocks_payment_when_the_applicant_name_changes(
        payable: Any, branch: Any) -> None:
    """An account checked for the old name does not reach the bank once the applicant's name differs."""
    from lapakasik.claims.models import ClaimParty
    from lapakasik.payments.batches import instructions_waiting

    instr = payable(1000)
    ClaimParty.objects.filter(claim=instr.claim, is_applicant=True).update(full_name="Siti Aminah")
    (waiting,) = instructions_waiting(branch)
    assert not waiting.ready and "tidak sama dengan nama pemohon" in waiting.reason
