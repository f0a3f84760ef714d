"""Booking by a claimant who is not the insured worker: an heir gives their own NIK and the deceased
worker's NIK and KPJ. The registry lookup is of the deceased, the heir must be in the family (name
checked as tolerantly as the participant's), the heir order decides who may claim, and one death is
claimed once per claim type. Also: every claim type is bookable, and the JP benefit form asked for is
checked against the contribution months."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import error_of as error_body

from .conftest import TOMORROW, new_phone, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env")
URL = "/api/v1/bookings"


def post(client: Client, body: Any, url: str = URL) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def error_of(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The error of a refused request, asserting its status (and code)."""
    assert response.status_code == status, response.content
    err = error_body(response)
    if code is not None:
        assert err["code"] == code, err
    return {**err, **(err.get("extra") or {})}


def relative(dead: Any, relation: str, k: int = 0) -> dict[str, Any]:
    return [m for m in dead.family if m["relation"] == relation][k]


@pytest.fixture
def heir_body(person: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """A POST /bookings body by the widow of a fresh deceased participant (JKM, death), without a KPJ of
    her own; keyword overrides replace fields (None removes one)."""

    def build(dead: Any = None, relation: str = "spouse", k: int = 0, **overrides: Any) -> dict[str, Any]:
        dead = dead or person("deceased")
        heir = relative(dead, relation, k)
        body: dict[str, Any] = {
            "branch_code": "JKT02", "date": TOMORROW, "session_start": "08:00", "claim_type": "JKM",
            "claim_reason": "DEATH", "nik": heir["nik"], "full_name": heir["full_name"],
            "insured_nik": dead.nik, "insured_kpj": dead.kpj, "email": f"heir{dead.id}{relation}{k}@contoh.id",
            "phone": new_phone(), "language": "id", "channels": ["email"],
        }
        body.update(overrides)
        return {k2: v for k2, v in body.items() if v is not None}

    return build


def test_widow_books_jkm_for_her_late_husband(client: Client, person: Callable[..., Any],
                                             heir_body: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent

    dead = person("deceased")
    widow = relative(dead, "spouse")
    body = heir_body(dead, full_name="  " + widow["full_name"].upper().replace(" ", "  "))  # tolerant name check
    r = post(client, body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["claim_type"] == "JKM" and data["claim_reason"] == "DEATH" and data["status"] == "ACTIVE"
    claim = Claim.objects.get(code=data["code"])
    assert (claim.insured_nik, claim.insured_kpj) == (dead.nik, dead.kpj)  # the claim is about the deceased
    party = claim.parties.get(is_applicant=True)
    assert (party.role, party.nik, party.kpj) == ("heir", widow["nik"], "")
    assert party.full_name == widow["full_name"].upper()  # as typed, spaces collapsed
    first = ClaimEvent.objects.get(claim=claim, kind=ClaimEvent.Kind.BOOKING_CREATED)
    assert first.data["channel"] == "booking"


def test_the_officer_trace_reads_the_widow_as_first_heir(person: Callable[..., Any],
                                                         heir_body: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.benefits.selectors import claim_trace
    from lapakasik.claims.models import Claim

    r = post(Client(), heir_body(person("deceased")))
    assert r.status_code == 201, r.content
    from lapakasik.registry.adapters import registry_lookup

    claim = Claim.objects.get(code=r.json()["code"])
    trace = claim_trace(claim, registry_lookup(nik=claim.insured_nik, kpj=claim.insured_kpj))
    assert [(c.rule, c.passed) for c in trace.checks] == [
        ("insured_deceased", True), ("heir_known", True), ("heir_order", True)]


def test_a_child_is_refused_while_the_widow_lives(client: Client, heir_body: Callable[..., dict[str, Any]]) -> None:
    before = snapshot_counts()
    r = post(client, heir_body(relation="child"))
    err = error_of(r, 409, "not_eligible")
    assert err["rule"] == "heir_order" and err["possible_from"] is None
    assert "suami/istri (janda/duda) yang masih hidup berhak lebih dahulu" in err["message"]
    assert snapshot_counts() == before


def test_children_claim_once_the_widow_has_died_too(client: Client, person: Callable[..., Any],
                                                   heir_body: Callable[..., dict[str, Any]]) -> None:
    """Two heirs of the same rank claim the same death: the first books, the second is refused (409),
    told that another heir may have claimed, and nothing is written."""
    from lapakasik.claims.models import Claim

    dead = person("deceased")
    dead.family = [{**m, "date_of_death": "2026-12-01"} if m["relation"] == "spouse" else m for m in dead.family]
    dead.save(update_fields=["family"])
    first = post(client, heir_body(dead, relation="child", k=0))
    assert first.status_code == 201, first.content
    before = snapshot_counts()
    again = post(client, heir_body(dead, relation="child", k=1, session_start="09:00"))
    err = error_of(again, 409, "duplicate_active_booking")
    assert "ahli waris lain" in err["message"]
    assert snapshot_counts() == before
    assert Claim.objects.filter(insured_nik=dead.nik, claim_type="JKM").count() == 1
    # The widow (recorded dead now) cannot claim either: the registry says so.
    dead_widow = post(client, heir_body(dead, relation="spouse", session_start="10:00"))
    assert error_of(dead_widow, 409, "not_eligible")["rule"] == "heir_known"


def test_the_same_heir_twice_is_refused_and_another_type_is_not(client: Client, person: Callable[..., Any],
                                                               heir_body: Callable[..., dict[str, Any]]) -> None:
    dead = person("deceased")
    assert post(client, heir_body(dead)).status_code == 201
    error_of(post(client, heir_body(dead, session_start="10:00")), 409, "duplicate_active_booking")
    # The survivor's pension is another claim type on the same death: its own one-open-claim rule.
    r = post(client, heir_body(dead, claim_type="JP", session_start="10:00", email="widow.jp@contoh.id"))
    assert r.status_code == 201, r.content


def test_a_nik_outside_the_family_is_refused_on_the_nik_field(client: Client, person: Callable[..., Any],
                                                              heir_body: Callable[..., dict[str, Any]]) -> None:
    stranger = person("eligible")  # a real, valid NIK — not in the deceased's family
    before = snapshot_counts()
    err = error_of(post(client, heir_body(nik=stranger.nik, full_name=stranger.full_name)), 409,
                   "heir_not_in_family")
    assert "tidak tercatat sebagai keluarga peserta" in err["fields"]["nik"][0]
    assert snapshot_counts() == before


def test_a_family_nik_with_another_name_is_a_name_mismatch(client: Client,
                                                           heir_body: Callable[..., dict[str, Any]]) -> None:
    err = error_of(post(client, heir_body(full_name="Orang Lain")), 409, "name_mismatch")
    assert "anggota keluarga" in err["fields"]["full_name"][0]


def test_the_insured_kpj_must_belong_to_the_insured_nik(client: Client, person: Callable[..., Any],
                                                        heir_body: Callable[..., dict[str, Any]]) -> None:
    other = person("eligible")
    err = error_of(post(client, heir_body(insured_kpj=other.kpj)), 409, "registry_mismatch")
    assert set(err["fields"]) == {"insured_kpj"}


@pytest.mark.parametrize("bad", ["123", "1234567890123456789", "abcdefghijklmnop", "3171999999999999", "",
                                 " ", "3171<script>0001"])
def test_a_malformed_insured_nik_is_a_422_on_that_field(client: Client, heir_body: Callable[..., dict[str, Any]],
                                                        bad: str) -> None:
    before = snapshot_counts()
    r = post(client, heir_body(insured_nik=bad))
    err = error_of(r, 422)
    assert "insured_nik" in err["fields"], err
    assert snapshot_counts() == before


@pytest.mark.parametrize("missing", ["insured_nik", "insured_kpj"])
def test_half_given_insured_fields_are_refused(client: Client, heir_body: Callable[..., dict[str, Any]],
                                               missing: str) -> None:
    before = snapshot_counts()
    # Each body is well formed on its own (the document gives 422 only for that): refused, 409, on the field.
    err = error_of(post(client, heir_body(**{missing: None})), 409, "refused")
    assert list(err["fields"]) == [missing]
    assert "kosongkan kedua data peserta" in err["fields"][missing][0]
    assert snapshot_counts() == before


def test_the_participant_still_needs_a_kpj(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    body = payload()
    del body["kpj"]
    err = error_of(post(client, body), 409, "refused")
    assert list(err["fields"]) == ["kpj"] and "Nomor KPJ wajib diisi" in err["fields"]["kpj"][0]


def test_the_insured_is_not_the_applicant(client: Client, person: Callable[..., Any],
                                          heir_body: Callable[..., dict[str, Any]]) -> None:
    dead = person("deceased")
    err = error_of(post(client, heir_body(dead, nik=dead.nik, full_name=dead.full_name)), 409, "refused")
    assert "sama dengan NIK Anda" in err["fields"]["insured_nik"][0]


def test_an_heir_books_only_a_death_claim(client: Client, heir_body: Callable[..., dict[str, Any]]) -> None:
    err = error_of(post(client, heir_body(claim_type="JHT", claim_reason="RESIGNED")), 409, "refused")
    assert "meninggal dunia" in err["fields"]["claim_reason"][0]


def test_jkm_for_a_living_participant_is_refused_with_the_rule(client: Client, person: Callable[..., Any],
                                                               heir_body: Callable[..., dict[str, Any]]) -> None:
    alive = person("eligible")
    spouse = [m for m in alive.family if m["relation"] == "spouse"]
    if not spouse:
        alive = next(p for p in [person("eligible") for _ in range(5)]
                     if any(m["relation"] == "spouse" for m in p.family))
    body = heir_body(relation="spouse", insured_nik=alive.nik, insured_kpj=alive.kpj,
                     nik=relative(alive, "spouse")["nik"], full_name=relative(alive, "spouse")["full_name"])
    before = snapshot_counts()
    err = error_of(post(client, body), 409, "not_eligible")
    assert err["rule"] == "insured_deceased" and "masih hidup" in err["message"]
    assert snapshot_counts() == before


def test_jkm_by_the_participant_themself_is_refused(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    err = error_of(post(client, payload(claim_type="JKM", claim_reason="DEATH")), 409, "not_eligible")
    assert err["rule"] == "insured_deceased"


def test_every_claim_type_is_bookable(client: Client, person: Callable[..., Any],
                                      payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.services import bookable_claim_types

    assert bookable_claim_types() == ["JHT", "JKK", "JKM", "JP"]
    accident = person("accident")
    r = post(client, payload(accident, claim_type="JKK", claim_reason="ACCIDENT"))
    assert r.status_code == 201, r.content
    pensioner = person("age_56")
    r = post(client, payload(pensioner, claim_type="JP", claim_reason="OLD_AGE"))
    assert r.status_code == 201, r.content
    # JKK without an accident report: the rule's own text.
    err = error_of(post(client, payload(claim_type="JKK", claim_reason="ACCIDENT")), 409, "not_eligible")
    assert err["rule"] == "accident_reported" and "Formulir 3" in err["message"]


def test_jp_monthly_pension_needs_180_months(client: Client, person: Callable[..., Any],
                                             payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent

    pensioner = person("age_56")
    assert pensioner.jp_contribution_months < 180
    before = snapshot_counts()
    err = error_of(post(client, payload(pensioner, claim_type="JP", claim_reason="OLD_AGE", benefit_form="monthly")),
                   409, "not_eligible")
    assert err["rule"] == "jp_benefit_form"
    assert f"iuran Anda {pensioner.jp_contribution_months} bulan" in err["message"]
    assert snapshot_counts() == before
    r = post(client, payload(pensioner, claim_type="JP", claim_reason="OLD_AGE", benefit_form="lump_sum"))
    assert r.status_code == 201, r.content
    claim = Claim.objects.get(code=r.json()["code"])
    assert ClaimEvent.objects.get(claim=claim, kind=ClaimEvent.Kind.BOOKING_CREATED).data["benefit_form"] == "lump_sum"


@pytest.mark.parametrize("form, fields", [("weekly", 422), ("monthly", 409)])
def test_a_benefit_form_outside_jp_old_age_is_refused(client: Client, payload: Callable[..., dict[str, Any]],
                                                      form: str, fields: int) -> None:
    r = post(client, payload(benefit_form=form))  # a JHT claim
    err = error_of(r, fields)
    assert list(err["fields"]) == ["benefit_form"]


def test_the_heir_waits_for_a_full_session_and_the_offer_books_for_the_deceased(
        client: Client, person: Callable[..., Any], payload: Callable[..., dict[str, Any]],
        heir_body: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota, WaitlistEntry
    from lapakasik.booking.services import booking_cancel, booking_create
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import Actor

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="08:00").update(capacity=1)
    holder = booking_create(**payload())
    dead = person("deceased")
    joined = post(client, heir_body(dead), url="/api/v1/waitlist")
    assert joined.status_code == 201, joined.content
    entry = WaitlistEntry.objects.get(pk=joined.json()["id"])
    assert entry.nik == dead.nik  # the one-entry rule is on the insured worker
    booking_cancel(booking=holder.booking, actor=Actor.participant())  # the seat is offered to the heir
    auth = {"HTTP_AUTHORIZATION": f"Bearer {joined.json()['access_token']}"}
    accepted = client.post(f"/api/v1/waitlist/{entry.pk}/accept", **auth)
    assert accepted.status_code == 201, accepted.content
    claim = Claim.objects.get(code=accepted.json()["code"])
    assert (claim.claim_type, claim.insured_nik, claim.insured_kpj) == ("JKM", dead.nik, dead.kpj)
    party = claim.parties.get(is_applicant=True)
    assert (party.role, party.nik) == ("heir", relative(dead, "spouse")["nik"])


def test_probing_one_deceased_family_is_rate_limited(client: Client, settings: Any, person: Callable[..., Any],
                                                     heir_body: Callable[..., dict[str, Any]]) -> None:
    """NIK after NIK against one deceased worker: the insured NIK counts in the per-NIK limit."""
    settings.LAPAKASIK = {**settings.LAPAKASIK, "RATE_LIMIT_NIK_PER_MINUTE": 2}
    dead = person("deceased")
    strangers = [person("eligible") for _ in range(3)]
    statuses = [post(client, heir_body(dead, nik=s.nik, full_name=s.full_name)).status_code for s in strangers]
    assert statuses == [409, 409, 429]
