"""The booking pages for an heir: the widow books a JKM claim for her late husband with her own NIK and
his NIK/KPJ; the review shows both (masked); bad heir input is a message on the field, nothing written.
And every claim type's reasons are offered on the identity page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lapakasik.booking.models import Booking
from lapakasik.claims.models import Claim

from .pages_support import book, booking_world, identity_post, make_participant

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db

DEAD_NIK, DEAD_KPJ = "3174010101800007", "10987654321"
WIDOW = {"relation": "spouse", "nik": "3201015203820004", "full_name": "Ratna Dewi", "birth_date": "1982-03-12",
         "date_of_death": None}
CHILD = {"relation": "child", "nik": "3201011508100002", "full_name": "Bagus Pratama", "birth_date": "2010-08-15",
         "date_of_death": None}


@pytest.fixture
def deceased(booking_world: dict[str, Any]) -> Any:
    from lapakasik.core import clock

    p = make_participant(nik=DEAD_NIK, kpj=DEAD_KPJ, name="Agus Pratama")
    p.date_of_death = clock.now().date() - timedelta(days=30)
    p.family = [WIDOW, CHILD]
    p.save(update_fields=["date_of_death", "family"])
    return p


def heir_post(world: dict[str, Any], who: dict[str, Any] = WIDOW, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"nik": who["nik"], "kpj": "", "full_name": who["full_name"].lower(),
                              "claim_type": "JKM", "claim_reason": "DEATH", "insured_nik": DEAD_NIK,
                              "insured_kpj": DEAD_KPJ, "email": "ratna@contoh.id"}
    values.update(overrides)
    return identity_post(world, **values)


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def field_error(response: Any, field: str) -> str:
    block = re.search(rf'<div class="field has-error" id="field-{field}">.*?</div>', text(response))
    assert block is not None, f"no error on {field}"
    return block.group(0)


def test_the_identity_page_offers_every_type_and_the_heir_fields(client: Any, booking_world: dict[str, Any]) -> None:
    w = booking_world
    page = text(client.get(reverse("booking:identity"), {"cabang": w["branch"].code, "tanggal": w["day"].isoformat(),
                                                         "sesi": w["session"]}))
    for value in ("JHT", "JKK", "JKM", "JP"):
        assert f'<option value="{value}"' in page
    for label in ("Jaminan Kecelakaan Kerja", "Jaminan Kematian", "Jaminan Pensiun"):
        assert f'<optgroup label="{label}' in page
    for reason in ("ACCIDENT", "OCCUPATIONAL_DISEASE", "OLD_AGE", "DEATH", "RESIGNED"):
        assert f'<option value="{reason}"' in page
    assert 'name="insured_nik"' in page and 'name="insured_kpj"' in page and 'name="benefit_form"' in page


def test_the_widow_books_jkm_from_the_pages(client: Any, booking_world: dict[str, Any], deceased: Any) -> None:
    r = client.post(reverse("booking:identity"), heir_post(booking_world))
    assert r.status_code == 302, text(r)[:3000]
    review = text(client.get(reverse("booking:review")))
    assert "3174********0007" in review and DEAD_NIK not in review  # the deceased's NIK, masked
    assert "3201********0004" in review and WIDOW["nik"] not in review
    code = book(client, booking_world, **{k: v for k, v in heir_post(booking_world).items()
                                        if k not in ("cabang", "tanggal", "sesi")})
    claim = Booking.objects.get(code=code).claim
    assert (claim.claim_type, claim.insured_nik, claim.insured_kpj) == ("JKM", DEAD_NIK, DEAD_KPJ)
    party = claim.parties.get(is_applicant=True)
    assert (party.role, party.nik) == ("heir", WIDOW["nik"])


def test_the_review_speaks_to_the_heir_not_the_insured_worker(client: Any, booking_world: dict[str, Any],
                                                              deceased: Any) -> None:
    """The heir confirms their own data and that they apply for the deceased (masked), not that the data is
    the insured worker's; a participant's review keeps the participant's statement."""
    assert client.post(reverse("booking:identity"), heir_post(booking_world)).status_code == 302
    review = text(client.get(reverse("booking:review")))
    assert ("saya mengajukan klaim ini sebagai ahli waris atas nama peserta yang meninggal dunia "
            "(NIK 3174********0007)") in review
    assert "milik saya sendiri." not in review and DEAD_NIK not in review
    assert "Anda mengajukan klaim sebagai ahli waris" in review and "NIK Anda (ahli waris)" in review
    refused = text(client.post(reverse("booking:review"), {"draft": client.session["booking_draft"]["id"]}))
    assert "Anda mengajukan sebagai ahli waris" in refused and Claim.objects.count() == 0

    client.cookies["lapakasik_lang"] = "en"
    english = text(client.get(reverse("booking:review")))
    assert "I am applying for this claim as an heir, on behalf of the deceased participant (NIK 3174********0007)" \
        in english
    assert "my own." not in english and "You are applying as an heir" in english

    other = Client()
    assert other.post(reverse("booking:identity"), identity_post(booking_world)).status_code == 302
    own = text(other.get(reverse("booking:review")))
    assert "Saya menyatakan data di atas benar dan milik saya sendiri." in own and "ahli waris" not in own


def test_a_child_is_told_the_widow_claims_first(client: Any, booking_world: dict[str, Any], deceased: Any) -> None:
    r = client.post(reverse("booking:identity"), heir_post(booking_world, who=CHILD))
    assert r.status_code == 409
    assert "suami/istri (janda/duda) yang masih hidup berhak lebih dahulu" in text(r)
    assert Claim.objects.count() == 0 and "booking_draft" not in client.session


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"insured_kpj": ""}, "insured_kpj", "Isi juga nomor KPJ peserta"),
    ({"insured_nik": ""}, "insured_nik", "Isi juga NIK peserta"),
    ({"insured_nik": "12345"}, "insured_nik", "NIK"),
    ({"insured_kpj": "abc"}, "insured_kpj", "KPJ"),
    ({"insured_kpj": "12345678901"}, "insured_kpj", "tidak cocok dengan NIK peserta"),
    ({"nik": "3201014101900001"}, "nik", "tidak tercatat sebagai keluarga peserta"),
    ({"full_name": "Orang Lain"}, "full_name", "anggota keluarga"),
    ({"insured_nik": "", "insured_kpj": ""}, "kpj", "Nomor KPJ wajib diisi"),
    ({"claim_type": "JHT", "claim_reason": "RESIGNED"}, "claim_reason", "meninggal dunia"),
])
def test_bad_heir_input_is_a_message_on_the_field(client: Any, booking_world: dict[str, Any], deceased: Any,
                                                  overrides: dict[str, Any], field: str, message: str) -> None:
    r = client.post(reverse("booking:identity"), heir_post(booking_world, **overrides))
    assert r.status_code == 200
    assert message in field_error(r, field)
    assert Claim.objects.count() == 0 and "booking_draft" not in client.session


def test_a_narrowed_queue_offers_only_its_types(client: Any, booking_world: dict[str, Any], settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "BOOKING_CLAIM_TYPES": "JHT"}
    w = booking_world
    page = text(client.get(reverse("booking:identity"), {"cabang": w["branch"].code, "tanggal": w["day"].isoformat(),
                                                         "sesi": w["session"]}))
    assert '<option value="JKK"' not in page and 'value="ACCIDENT"' not in page
    r = client.post(reverse("booking:identity"), identity_post(w, claim_type="JKM", claim_reason="DEATH"))
    assert "Jenis klaim tidak dikenal" in field_error(r, "claim_type")
