"""``claim_open``, the one way a claim comes to exist: the claim, its applicant party and the first event
of its history; the refusals (unknown role, no contact, unknown channel, no insured worker); a claim
applied for by an heir, whose messages go to the heir; the one-open-claim rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from lapakasik.claims.parties import Applicant, Insured, Role

pytestmark = pytest.mark.django_db

WORKER_NIK = "3174010101900003"
HEIR_NIK = "3174014506920004"


def _branch() -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()


def _counts() -> tuple[int, int, int, int]:
    from lapakasik.claims.models import Claim, ClaimEvent, ClaimParty
    from lapakasik.notifications.models import Notification

    return (Claim.objects.count(), ClaimParty.objects.count(), ClaimEvent.objects.count(),
            Notification.objects.count())


def _open(applicant: Applicant, **kw: Any) -> Any:
    from lapakasik.claims.services import Actor, claim_open

    kw.setdefault("claim_type", "JHT")
    kw.setdefault("claim_reason", "RESIGNED")
    kw.setdefault("channel", "booking")
    return claim_open(applicant=applicant, branch=_branch(), actor=Actor.participant(), **kw)


def worker(**kw: Any) -> Applicant:
    values: dict[str, Any] = dict(full_name="Siti Rahayu", email="siti@example.id", phone="+6281234567890",
                                  nik=WORKER_NIK, kpj="12345678901", channels=("email",))
    values.update(kw)
    return Applicant(**values)


def heir(**kw: Any) -> Applicant:
    values: dict[str, Any] = dict(role=Role.HEIR, full_name="Dewi Lestari", email="dewi@example.id",
                                  phone="+6281311112222", nik=HEIR_NIK, channels=("email", "sms"))
    values.update(kw)
    return Applicant(**values)


def test_claim_open_writes_one_claim_one_applicant_one_first_event(network: None) -> None:
    from lapakasik.claims.models import ClaimEvent, ClaimParty
    from lapakasik.claims.selectors import claim_get_authorised
    from lapakasik.claims.services import claim_history_verify

    before = _counts()
    opened = _open(worker(), first_event_data={"note": "x"})
    after = _counts()
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 1, 1)
    claim = opened.claim
    assert (claim.insured_nik, claim.insured_kpj, claim.state, claim.opened_via) == (
        WORKER_NIK, "12345678901", "BOOKED", "booking")
    [party] = ClaimParty.objects.filter(claim=claim)
    assert party.is_applicant and party.role == "participant" and party.email == "siti@example.id"
    assert party.channels == ["email"] and party.full_name == "Siti Rahayu"
    [event] = ClaimEvent.objects.filter(claim=claim)
    assert (event.seq, event.prev_hash, event.kind, event.to_state) == (1, "", "claim_opened", "BOOKED")
    assert event.data == {"channel": "booking", "note": "x"}
    assert claim_history_verify(claim)
    # The token returned once opens the claim; only its digest is stored.
    assert claim_get_authorised(code=claim.code, token=opened.access_token).pk == claim.pk
    assert opened.access_token not in claim.access_token_digest


@pytest.mark.parametrize(("party", "code", "field"), [
    (worker(role="insurer"), "unknown_party_role", "role"),
    (worker(role=""), "unknown_party_role", "role"),
    (worker(email="", phone=""), "party_without_contact", "email"),
    (heir(email="", phone=""), "party_without_contact", "email"),
    (worker(channels=("pigeon",)), "invalid_channel", "channels"),
    (worker(channels=()), "invalid_channel", "channels"),
    (worker(nik=""), "invalid", "nik"),
    (Applicant(role=Role.EMPLOYER_OFFICER, full_name="HRD", email="hrd@example.id"), "invalid", "npp"),
], ids=["unknown role", "empty role", "no contact", "heir without contact", "unknown channel", "no channel",
        "participant without NIK", "employer officer without NPP"])
def test_claim_open_refuses_bad_parties_and_writes_nothing(network: None, party: Applicant, code: str,
                                                           field: str) -> None:
    from lapakasik.core.errors import InvalidInput

    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        _open(party, insured=Insured(nik=WORKER_NIK))
    assert refused.value.code == code and refused.value.fields.get(field), refused.value.as_dict()
    assert str(refused.value.message)
    assert _counts() == before


def test_a_bad_other_party_is_refused_too(network: None) -> None:
    from lapakasik.core.errors import InvalidInput

    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        _open(worker(), others=(heir(role="cousin"),))
    assert refused.value.code == "unknown_party_role" and _counts() == before


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"channel": "fax"}, "unknown_channel", "channel"),
    ({"claim_reason": "BORED"}, "invalid", "claim_reason"),
    ({"claim_type": "XYZ"}, "invalid", "claim_reason"),
])
def test_claim_open_refuses_unknown_channel_type_or_reason(network: None, kw: dict[str, Any], code: str,
                                                          field: str) -> None:
    from lapakasik.core.errors import InvalidInput

    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        _open(worker(), **kw)
    assert refused.value.code == code and refused.value.fields.get(field)
    assert _counts() == before


def test_an_heir_must_name_the_insured_worker(network: None) -> None:
    from lapakasik.core.errors import InvalidInput

    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        _open(heir(), claim_reason="DEATH")
    assert refused.value.code == "insured_required" and _counts() == before


def test_a_claim_applied_for_by_an_heir_notifies_the_heir(network: None) -> None:
    from lapakasik.claims.models import ClaimParty
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.notifications.delivery import notification_fallback
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render, template_defaults_install

    template_defaults_install()
    opened = _open(heir(), claim_reason="DEATH", insured=Insured(nik=WORKER_NIK, kpj="12345678901"),
                   others=(worker(email="", channels=("sms",)),))
    claim = opened.claim
    assert claim.insured_nik == WORKER_NIK  # the claim is about the worker …
    applicant = ClaimParty.objects.get(claim=claim, is_applicant=True)
    assert (applicant.role, applicant.nik) == ("heir", HEIR_NIK)  # … and applied for by the heir
    assert ClaimParty.objects.filter(claim=claim).count() == 2
    with transaction.atomic():
        claim_transition(claim=claim, to="CANCELLED", actor=Actor.system(), reason="test")
    rows = list(Notification.objects.filter(claim=claim).order_by("id"))
    assert [(r.channel, r.recipient) for r in rows] == [("email", "dewi@example.id"), ("sms", "+6281311112222")]
    assert "Dewi Lestari" in notification_render(rows[0]).text  # the greeting names the heir, not the worker
    assert "Siti" not in notification_render(rows[0]).text
    # The fallback stays with the heir's own addresses (whatsapp: the chain's next, to the heir's phone).
    nxt = notification_fallback(row=rows[1], reason="failed")
    assert nxt is not None and nxt.recipient == "+6281311112222"


def test_an_employer_officer_can_open_a_jkk_claim_for_a_worker(network: None) -> None:
    officer = Applicant(role=Role.EMPLOYER_OFFICER, full_name="Bagian Personalia", email="hrd@pabrik.example.id",
                        npp="NPP12345", channels=("email",))
    opened = _open(officer, claim_type="JKK", claim_reason="ACCIDENT", channel="employer_report",
                   insured=Insured(nik=WORKER_NIK))
    assert opened.claim.opened_via == "employer_report" and opened.applicant.npp == "NPP12345"
    assert opened.applicant.nik == "" and opened.claim.insured_nik == WORKER_NIK


def test_one_open_claim_per_insured_worker_and_claim_type(network: None) -> None:
    from lapakasik.claims.services import Actor, claim_transition

    first = _open(worker())
    with pytest.raises(IntegrityError), transaction.atomic():
        _open(worker(email="lain@example.id"))
    with pytest.raises(IntegrityError), transaction.atomic():  # an heir cannot open a second one either
        _open(heir(), claim_reason="DEATH", insured=Insured(nik=WORKER_NIK))
    other_type = _open(worker(), claim_type="JP", claim_reason="OLD_AGE")  # another programme: allowed
    assert other_type.claim.pk != first.claim.pk
    claim_transition(claim=first.claim, to="CANCELLED", actor=Actor.system())
    again = _open(worker())  # once finished, the worker may claim again
    assert again.claim.insured_nik == WORKER_NIK


def test_no_claim_is_created_anywhere_but_claim_open() -> None:
    """A structural check: ``Claim.objects.create`` / ``Claim(`` only in claims/services.py."""
    root = Path(__file__).resolve().parents[2] / "src" / "lapakasik"
    pattern = re.compile(r"\bClaim\.objects\.(create|bulk_create|get_or_create|update_or_create)\(|(?<!class )\bClaim\(")
    allowed = root / "claims" / "services.py"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "migrations" not in p.parts and p != allowed and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert pattern.search(allowed.read_text(encoding="utf-8"))  # the check looks for the right thing
