"""The one applicant validation (booking request, waitlist, API, page form) and the one name rule."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.claims.parties import Applicant, Role, applicant_validate, full_name_clean
from lapakasik.core.errors import InvalidInput

GOOD: dict[str, Any] = dict(full_name="  Siti   Rahayu ", email="Siti@Example.ID", phone="0812 3456 7890",
                            nik="3174014506900003", kpj="123-4567-8901", language="EN",
                            channels=["WhatsApp", "email", "whatsapp"])


def test_a_good_participant_is_normalised() -> None:
    a = applicant_validate(**GOOD)
    assert a == Applicant(full_name="Siti Rahayu", email="Siti@example.id", phone="+6281234567890", language="en",
                          channels=("whatsapp", "email"), role=Role.PARTICIPANT, nik="3174014506900003",
                          kpj="12345678901")
    assert Applicant.from_json(a.as_json()) == a  # the waitlist's stored form round-trips


def test_an_heir_needs_no_kpj_and_an_employer_officer_an_npp() -> None:
    h = applicant_validate(role=Role.HEIR, full_name="Dewi Lestari", email="", phone="081311112222",
                           nik="3174014506920004", channels=["sms"], require=())
    assert (h.role, h.kpj, h.email, h.phone) == ("heir", "", "", "+6281311112222")
    o = applicant_validate(role=Role.EMPLOYER_OFFICER, full_name="Bagian Personalia", email="hrd@pabrik.id",
                           npp=" npp 1234 ", require=("email",))
    assert (o.npp, o.nik) == ("NPP1234", "")


@pytest.mark.parametrize(("overrides", "fields"), [
    ({"nik": "123"}, {"nik"}),
    ({"kpj": ""}, {"kpj"}),
    ({"full_name": ""}, {"full_name"}),
    ({"full_name": "Budi\x00Santoso"}, {"full_name"}),
    ({"full_name": "B" * 151}, {"full_name"}),
    ({"full_name": "Budi <script>"}, {"full_name"}),
    ({"full_name": "R2D2"}, {"full_name"}),
    ({"email": "bukan-email"}, {"email"}),
    ({"phone": "+14155552671"}, {"phone"}),
    ({"language": "fr"}, {"language"}),
    ({"channels": "email"}, {"channels"}),
    ({"channels": []}, {"channels"}),
    ({"channels": ["email", "fax"]}, {"channels"}),
    ({"nik": "1", "kpj": "2", "email": "x", "phone": "3"}, {"nik", "kpj", "email", "phone"}),
], ids=["nik short", "kpj missing", "name empty", "name control char", "name too long", "name markup",
        "name digits", "email bad", "phone foreign", "language unknown", "channels not a list", "channels empty",
        "channel unknown", "several at once"])
def test_bad_fields_are_reported_per_field(overrides: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        applicant_validate(**{**GOOD, **overrides})
    assert set(refused.value.fields) == fields, refused.value.fields
    assert all(str(m) for f in fields for m in refused.value.fields[f])


def test_an_unknown_role_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput) as refused:
        applicant_validate(**{**GOOD, "role": "insurer"})
    assert refused.value.code == "unknown_party_role" and refused.value.fields["role"]


def test_a_party_needs_some_contact_and_an_address_for_each_channel() -> None:
    with pytest.raises(InvalidInput) as none:
        applicant_validate(**{**GOOD, "email": "", "phone": ""}, require=())
    assert "email" in none.value.fields
    with pytest.raises(InvalidInput) as no_phone:
        applicant_validate(**{**GOOD, "phone": "", "channels": ["email", "sms"]}, require=())
    assert set(no_phone.value.fields) == {"channels"}
    with pytest.raises(InvalidInput) as no_mail:
        applicant_validate(**{**GOOD, "email": "", "channels": ["email"]}, require=())
    assert set(no_mail.value.fields) == {"channels"}


@pytest.mark.parametrize("name", ["", " ", "A", "R2D2", "Budi_Santoso", "Budi\u200bSantoso", "x" * 151])
def test_the_form_and_the_service_share_one_name_rule(name: str) -> None:
    """The page's form refuses exactly what the service refuses, with the same message."""
    from django.core.exceptions import ValidationError

    from lapakasik.booking.forms import IdentityForm

    with pytest.raises(ValidationError) as service:
        full_name_clean(name)
    form = IdentityForm(data={"full_name": name})
    form.is_valid()
    assert form.errors.get("full_name"), name
    if name.strip() and len(name) <= 150:  # blank / over-long: the form field's own required/max messages
        assert form.errors["full_name"] == service.value.messages


@pytest.mark.parametrize("name", ["Siti Rahayu", "Ni Luh Putu Ayu", "O'Neil-Saragih, S.E.", "Ahmad  Dahlan"])
def test_real_names_pass_both(name: str) -> None:
    from lapakasik.booking.forms import IdentityForm

    clean = full_name_clean(name)
    form = IdentityForm(data={"full_name": name})
    form.is_valid()
    assert "full_name" not in form.errors and form.cleaned_data["full_name"] == clean == " ".join(name.split())
