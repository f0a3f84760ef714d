"""Intake addresses/links (resolve, revoke) and the catalogue's checklists per claim type and reason."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.claims.reasons import REASONS
from lapakasik.claims.services import Actor
from lapakasik.intake.catalogue import claim_checklist
from lapakasik.intake.models import IntakeAccess, Requirement
from lapakasik.intake.selectors import intake_address_resolve, intake_upload_resolve
from lapakasik.intake.services import intake_open, intake_revoke

pytestmark = pytest.mark.django_db


def test_intake_open_is_idempotent_and_resolvable(claim: Any, settings: Any) -> None:
    links = intake_open(claim=claim)
    assert links == intake_open(claim=claim)
    local, _, domain = links.email_address.partition("@")
    assert domain == settings.INTAKE_DOMAIN and len(local) == 20 and local == local.lower()
    assert claim.insured_nik not in links.upload_url and claim.code not in links.upload_url
    for form in (local, links.email_address, links.email_address.upper(), f"<{links.email_address}>",
                 f"dokumen+{local}@{domain}"):
        assert intake_address_resolve(form) == claim, form
    for bad in ("", "nope", f"{local}@other.example", "a" * 300, f"{local[:-1]}@{domain}"):
        assert intake_address_resolve(bad) is None, bad
    token = links.upload_url.rstrip("/").rpartition("/")[2]
    assert intake_upload_resolve(token) == claim


def test_revoke_gives_new_links_and_old_ones_stop(claim: Any) -> None:
    old = intake_open(claim=claim)
    new = intake_revoke(claim=claim, actor=Actor.system())
    assert new.email_address != old.email_address and new.upload_url != old.upload_url
    assert intake_address_resolve(old.email_address) is None
    assert intake_address_resolve(new.email_address) == claim
    assert IntakeAccess.objects.filter(claim=claim, revoked_at__isnull=False).count() == 2
    assert claim.events.filter(kind="intake_revoked").exists()


@pytest.mark.parametrize(("claim_type", "reason"), [(t, r) for t, rs in REASONS.items() for r in rs])
def test_every_type_and_reason_has_a_checklist(make_claim: Any, claim_type: str, reason: str) -> None:
    claim = make_claim(claim_type=claim_type, claim_reason=reason)
    items = claim_checklist(claim).items
    assert items and any(i.required for i in items)
    assert all(i.status == "missing" for i in items)
    codes = {i.code for i in items}
    if reason == "DEATH":
        assert "akta_kematian" in codes
    if claim_type == "JHT":
        assert {"ktp", "kk", "buku_tabungan", "formulir_5"} <= codes


def test_conditions_from_claim_facts(make_claim: Any) -> None:
    rich = make_claim(**registered(balance=80_000_000))
    npwp = next(i for i in claim_checklist(rich).items if i.code == "npwp")
    assert npwp.required
    poor = make_claim(**registered(balance=10_000_000, index=1))
    assert "npwp" not in {i.code for i in claim_checklist(poor).items}
    partial = make_claim(claim_reason="PARTIAL_30")
    codes = {i.code: i.required for i in claim_checklist(partial).items}
    assert codes["npwp"] is True and codes["perjanjian_kredit"] is True
    # the family conditions come from the registry (tests/intake/test_catalogue_conditions.py); a worker the
    # registry does not know leaves them "bila berlaku"
    jp = make_claim(claim_type="JP", claim_reason="OLD_AGE")
    nikah = next(i for i in claim_checklist(jp).items if i.code == "akta_nikah")
    assert nikah.required is False and nikah.condition_note


def test_admin_edits_are_live(claim: Any) -> None:
    Requirement.objects.filter(claim_type="JHT", code="foto").update(is_active=False)
    assert "foto" not in {i.code for i in claim_checklist(claim).items}


def test_complete_checklist_moves_claim_to_documents_received(claim: Any) -> None:
    import io

    from lapakasik.intake.receive import document_receive

    from .conftest import jpeg_bytes

    items = [i for i in claim_checklist(claim).items if i.required]
    for n, item in enumerate(items):
        for k in range(item.min_files):
            r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=n * 7 + k)), filename=f"{item.code}.jpg",
                                 declared_type="image/jpeg", source="WEB", requirement_code=item.code,
                                 actor=Actor.participant())
            assert r.outcome == "received", (item.code, r.reason_code)
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED"
    assert claim_checklist(claim).complete


def registered(*, balance: int, index: int = 0) -> dict[str, str]:
    """A participant in the demo registry (the product's default adapter) with this JHT balance; the
    claim keywords that make them the claim's insured worker."""
    from lapakasik.core import clock
    from lapakasik.registry import seed
    from lapakasik.registry.models import DemoParticipant

    fields = {k: v for k, v in seed.participant(index, clock.now().date()).items() if k != "case"}
    DemoParticipant.objects.create(**{**fields, "balance": balance})
    return {"nik": fields["nik"], "kpj": fields["kpj"], "full_name": fields["full_name"]}


@pytest.mark.parametrize(("balance", "required"), [
    (75_000_000, True), (50_000_001, True), (50_000_000, False), (49_999_999, False), (0, False),
])
def test_the_registry_balance_decides_npwp(make_claim: Any, balance: int, required: bool) -> None:
    """Through the real demo adapter, no injected module: the insured worker's balance in the registry
    decides whether NPWP is required above Rp 50,000,000 (at or below: not asked at all)."""
    claim = make_claim(**registered(balance=balance))
    codes = {i.code: i.required for i in claim_checklist(claim).items}
    assert codes.get("npwp", False) is required
    if not required:
        assert "npwp" not in codes


def test_npwp_follows_the_configured_threshold(make_claim: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "NPWP_THRESHOLD_RUPIAH": 10_000_000}
    claim = make_claim(**registered(balance=10_000_001))
    assert next(i for i in claim_checklist(claim).items if i.code == "npwp").required


def test_a_claim_the_registry_does_not_know_leaves_npwp_optional(make_claim: Any) -> None:
    registered(balance=90_000_000)  # someone else is in the registry
    claim = make_claim(nik="3174010101900077", kpj="99999999999")
    npwp = next(i for i in claim_checklist(claim).items if i.code == "npwp")
    assert npwp.required is False and npwp.condition_note


def test_a_kpj_that_is_not_the_niks_reads_no_balance(make_claim: Any) -> None:
    who = registered(balance=90_000_000)
    claim = make_claim(nik=who["nik"], kpj="99999999999", full_name=who["full_name"])
    assert next(i for i in claim_checklist(claim).items if i.code == "npwp").required is False


def test_one_registry_lookup_per_claim_however_often_the_checklist_is_computed(
        make_claim: Any, monkeypatch: Any) -> None:
    from lapakasik.registry import adapters

    claim = make_claim(**registered(balance=75_000_000))
    calls: list[str] = []
    real = adapters.registry_lookup

    def counting(*, nik: str, kpj: str) -> Any:
        calls.append(kpj)
        return real(nik=nik, kpj=kpj)

    monkeypatch.setattr("lapakasik.intake.catalogue.registry_lookup", counting)
    for _ in range(3):
        assert claim_checklist(claim).item("npwp").required  # type: ignore[union-attr]
    assert calls == [claim.insured_kpj]


def test_a_registry_that_fails_shows_the_checklist_with_npwp_optional(make_claim: Any, monkeypatch: Any) -> None:
    claim = make_claim(**registered(balance=75_000_000))

    def down(*, nik: str, kpj: str) -> Any:
        raise ConnectionError("registry unreachable")

    monkeypatch.setattr("lapakasik.intake.catalogue.registry_lookup", down)
    assert claim_checklist(claim).item("npwp").required is False  # type: ignore[union-attr]
    monkeypatch.undo()
    assert claim_checklist(claim).item("npwp").required is True  # type: ignore[union-attr]  # not cached
