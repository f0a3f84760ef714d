from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lapakasik.core.validators import (
    PROVINCE_CODES,
    normalize_email,
    normalize_phone,
    parse_nik,
    validate_kpj,
)

TODAY = date(2026, 11, 24)


def test_nik_male_birth_date_and_sex() -> None:
    info = parse_nik("3174051705900003", today=TODAY)
    assert info.birth_date == date(1990, 5, 17)
    assert info.sex == "M"
    assert info.province == "31"


def test_nik_female_day_offset_40() -> None:
    info = parse_nik("3273015708850001", today=TODAY)  # 57 - 40 = 17 August 1985
    assert (info.birth_date, info.sex) == (date(1985, 8, 17), "F")


def test_nik_accepts_spaces_and_dots() -> None:
    assert parse_nik("3174 0517 0590 0003", today=TODAY).nik == "3174051705900003"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("31740517059000", "nik_length"),  # 14 digits
        ("31740517059000031", "nik_length"),  # 17 digits
        ("3174O51705900003", "nik_digits"),  # letter O
        ("３１７４０５１７０５９０００３", "nik_digits"),  # full-width digits
        ("9974051705900003", "nik_province"),
        ("3100051705900003", "nik_region"),
        ("3174053002900003", "nik_birthdate"),  # 30 February
        ("3174057202900003", "nik_birthdate"),  # female 32 February
        ("3174053213900003", "nik_birthdate"),  # month 13
        ("3174051705900000", "nik_serial"),
        ("'; DROP TABLE--00", "nik_digits"),
    ],
)
def test_nik_rejects(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_nik(value, today=TODAY)
    assert exc.value.code == code
    assert exc.value.messages[0]  # an Indonesian sentence, not empty


def test_nik_future_birth_date() -> None:
    # Year 26 with a date later than today is read as 1926; year 25 in December is past.
    assert parse_nik("3174051512250001", today=TODAY).birth_date == date(2025, 12, 15)
    # 31 Dec 26 seen from 30 Dec 2026 is not a birth date in the future but 31 Dec 1926: every NIK the API
    # document's pattern allows is accepted, whatever the day (tests/api/test_api_document.py).
    assert parse_nik("3174053112260001", today=date(2026, 12, 30)).birth_date == date(1926, 12, 31)


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    regency=st.integers(1, 99),
    district=st.integers(1, 99),
    birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31)),
    female=st.booleans(),
    serial=st.integers(1, 9999),
)
def test_nik_roundtrip_property(
    province: str, regency: int, district: int, birth: date, female: bool, serial: int
) -> None:
    day = birth.day + (40 if female else 0)
    nik = f"{province}{regency:02d}{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    info = parse_nik(nik, today=TODAY)
    assert info.nik == nik
    assert info.sex == ("F" if female else "M")
    assert (info.birth_date.month, info.birth_date.day) == (birth.month, birth.day)
    assert info.birth_date.year % 100 == birth.year % 100


@given(st.text(max_size=40))
def test_nik_never_crashes_on_any_text(value: str) -> None:
    try:
        info = parse_nik(value, today=TODAY)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert len(info.nik) == 16 and info.nik.isdigit()


def test_kpj() -> None:
    assert validate_kpj("12-345-678-901") == "12345678901"
    for bad in ["", "1234567890", "123456789012", "1234567890a"]:
        with pytest.raises(ValidationError):
            validate_kpj(bad)


@pytest.mark.parametrize("raw", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890",
                                 "0812 3456 7890", "+62 812 3456 7890"])
def test_phone_normalised_to_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "required"), ("abc", "phone_format"), ("0812", "phone_format"), ("+6512345678", "phone_invalid"),
     ("0215551234", "phone_not_mobile"), ("08123<script>", "phone_format")],
)
def test_phone_rejects(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert exc.value.code == code


def test_email() -> None:
    assert normalize_email(" Budi@Contoh.ID ") == "Budi@contoh.id"
    for bad in ["", "budi", "budi@", "@contoh.id", "a@b", "x" * 250 + "@contoh.id", "budi@contoh.id\r\nBcc: x@y.id"]:
        with pytest.raises(ValidationError):
            normalize_email(bad)


@pytest.mark.parametrize("raw,code", [("0212345678", "phone_not_mobile"), ("+62812", "phone_invalid")])
def test_a_refused_phone_stays_refused_in_each_language(raw: str, code: str) -> None:
    """Phone answers are kept per process for speed; a refusal is never kept, so asking again refuses
    again, with the message in the language of the request that asks."""
    from django.utils import translation

    messages = {}
    for language in ("id", "en", "id"):
        with translation.override(language):
            with pytest.raises(ValidationError) as exc:
                normalize_phone(raw)
            messages.setdefault(language, set()).add(str(exc.value.messages[0]))
        assert exc.value.code == code
    assert len(messages["id"]) == 1
    assert messages["id"] != messages["en"]
    assert normalize_phone("0812 3456 7890") == normalize_phone("+62 812-3456-7890") == "+6281234567890"


def test_a_retrying_crowd_larger_than_the_old_cache_is_answered_from_the_cache() -> None:
    """At an opening the same people retry some seconds apart: 11,000 different phone numbers, each sent
    twice in the same order (the booking rush's shape), must find their answer kept the second time. An LRU
    cache walked in a cycle longer than itself never hits — at 8,192 entries the second pass missed every
    number and paid the phonenumbers parse again."""
    from lapakasik.core import validators

    validators._e164.cache_clear()
    numbers = [f"0812{70000000 + i:08d}" for i in range(11_000)]
    first = [normalize_phone(n) for n in numbers]
    second = [normalize_phone(n) for n in numbers]
    assert first == second and first[0] == "+6281270000000"
    info = validators._e164.cache_info()
    assert info.hits >= len(numbers) and info.maxsize is not None and info.maxsize >= len(numbers)
