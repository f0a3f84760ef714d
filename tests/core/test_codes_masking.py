from __future__ import annotations

import logging

from lapakasik.core.codes import CROCKFORD, new_code, new_otp, normalize_code
from lapakasik.core.masking import PiiLogFilter, mask_email, mask_nik, mask_phone, mask_text


def test_codes_are_crockford_and_unique() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 8 and set(c) <= set(CROCKFORD) for c in codes)
    assert not any(ch in "ILOU" for c in codes for ch in c)


def test_normalize_code_reads_misread_characters() -> None:
    assert normalize_code("ab-cd o1l i") == "ABCD0111"


def test_otp_six_digits() -> None:
    assert all(len(o) == 6 and o.isdigit() for o in (new_otp() for _ in range(100)))


def test_masks() -> None:
    assert mask_nik("3174051705900003") == "3174********0003"
    assert mask_phone("+6281234567890") == "+62812*****890"
    assert mask_email("budi@contoh.id") == "b***@contoh.id"


def test_mask_text_and_log_filter(caplog: object) -> None:
    text = "NIK 3174051705900003 tel 081234567890 mail budi.santoso@contoh.id"
    masked = mask_text(text)
    assert "3174051705900003" not in masked and "3174********0003" in masked
    assert "081234567890" not in masked
    assert "budi.santoso@" not in masked
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "booking for %s", ("3174051705900003",), None)
    PiiLogFilter().filter(record)
    assert record.getMessage() == "booking for 3174********0003"
