"""Each field type's rule: what is stored, and the message for what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from lapakasik.forms.definitions import FORMS, Choice, Field
from lapakasik.forms.validation import FieldError, clean_section, clean_value, display_value, missing_required

TODAY = date(2026, 12, 3)


def f(kind: str, **kw: object) -> Field:
    return Field("x", kind, "X", "X", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "raw", "stored"), [
    (f("nik"), " 3174 0115 0580 0001 ", "3174011505800001"),
    (f("kpj"), "123-456-789-01", "12345678901"),
    (f("date", not_future=True), "2026-12-03", "2026-12-03"),
    (f("amount", minimum=1), "Rp 1.500.000", "1500000"),
    (f("amount", minimum=1), "2500000", "2500000"),
    (f("number", minimum=0, maximum=100), "40", "40"),
    (f("choice", choices=(Choice("a", "A", "A"),)), "a", "a"),
    (f("phone"), "0812 3456 7890", "+6281234567890"),
    (f("account"), "0123-4567 89", "012345678 9".replace(" ", "")),
    (f("npp"), "3100-1001", "31001001"),
    (f("text"), "  Budi   Santoso ", "Budi Santoso"),
    (f("confirm"), "ya", "ya"),
    (f("text"), "   ", ""),
    (f("text"), "Désirée Siti", "Désirée Siti"),
])
def test_good_answers_are_stored_normalised(field: Field, raw: str, stored: str) -> None:
    assert clean_value(field, raw, today=TODAY) == stored


@pytest.mark.parametrize(("field", "raw", "message"), [
    (f("nik"), "12345", "NIK"),
    (f("nik"), "3174013205800001", "NIK"),  # day 32
    (f("nik"), "31740115058000O1", "NIK"),  # a letter O
    (f("kpj"), "1234", "KPJ"),
    (f("date"), "31-12-2026", "TTTT-BB-HH"),
    (f("date"), "2026-02-30", "TTTT-BB-HH"),
    (f("date"), "1850-01-01", "lampau"),
    (f("date", not_future=True), "2026-12-04", "sesudah hari ini"),
    (f("amount", minimum=1), "-5000", "angka"),
    (f("amount", minimum=1), "1.500.000,50", "sen"),
    (f("amount", minimum=1), "satu juta", "angka"),
    (f("amount", minimum=1), "0", "Paling kecil"),
    (f("amount", maximum=1000), "99999999999999999999", "angka"),
    (f("number", minimum=0, maximum=100), "101", "Paling besar"),
    (f("choice", choices=(Choice("a", "A", "A"),)), "b", "daftar"),
    (f("account"), "12ab", "rekening"),
    (f("npp"), "NN031001", "NPP"),
    (f("text", max_length=5), "abcdefg", "5 karakter"),
    (f("text"), "Budi\x00", "karakter"),
    (f("textarea"), "Jl. Melati 😀", "huruf Latin"),
    (f("text"), "漢字", "huruf Latin"),
    (f("email"), "bukan-email", "e-mail"),
])
def test_malformed_answers_are_refused_with_a_message(field: Field, raw: str, message: str) -> None:
    with pytest.raises(FieldError) as info:
        clean_value(field, raw, today=TODAY)
    assert message.lower() in str(info.value).lower()


def test_a_non_text_answer_is_refused() -> None:
    with pytest.raises(FieldError):
        clean_value(f("text"), ["a", "b"], today=TODAY)


def test_a_section_reports_every_bad_field_and_unknown_ones() -> None:
    section = FORMS["formulir_5"][0].section("pemohon")
    assert section is not None
    values, errors = clean_section(section, {"nik_pemohon": "123", "telepon": "abc", "admin": "1"}, today=TODAY)
    assert set(errors) == {"nik_pemohon", "telepon", "__all__"}
    assert missing_required(section, values).keys() >= {"nama_pemohon", "alamat", "hubungan"}
    assert "email" not in missing_required(section, values)  # optional


def test_answers_are_shown_the_way_a_reader_reads_them() -> None:
    assert display_value(f("amount"), "1500000") == "Rp 1.500.000"
    assert display_value(f("date"), "2026-03-31", "id") == "Selasa, 31 Maret 2026"
    assert display_value(f("date"), "2026-03-31", "en") == "Tuesday, 31 March 2026"
    assert display_value(f("choice", choices=(Choice("a", "Satu", "One"),)), "a", "en") == "One"
    assert display_value(f("text"), "") == "—"
