"""Pure intake rules (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.intake import pipeline, policy

CANDIDATES = [("ktp", ["ktp", "e-ktp"]), ("ktp_ahli_waris", ["ktp ahli waris"]), ("kk", ["kk", "kartu keluarga"]),
              ("buku_tabungan", ["buku tabungan", "tabungan"]), ("npwp", ["npwp"]), ("paklaring", ["paklaring"])]


@pytest.mark.parametrize(("filename", "text", "expected"), [
    ("KTP.jpg", "", "ktp"),
    ("scan_e-KTP_siti.PDF", "", "ktp"),
    ("KTP Ahli Waris.jpg", "", "ktp_ahli_waris"),
    ("Kartu Keluarga depan.jpeg", "", "kk"),
    ("IMG_20200401.jpg", "kirim buku tabungan saya", "buku_tabungan"),
    ("IMG_20200401.jpg", "", None),
    ("ktp dan kk.jpg", "", None),  # two equally good matches: an officer decides
    ("Paklaring PT Maju.pdf", "", "paklaring"),
    ("kkk.jpg", "", None),  # whole words only
])
def test_classify(filename: str, text: str, expected: str | None) -> None:
    assert policy.classify(filename=filename, text=text, candidates=CANDIDATES) == expected


def facts(**kw: object) -> policy.Facts:
    base: dict[str, object] = {"claim_type": "JHT", "reason": "RESIGNED"}
    base.update(kw)
    return policy.Facts(**base)  # type: ignore[arg-type]


def test_requirement_applies() -> None:
    applies = policy.requirement_applies
    assert applies(reasons=[], condition="always", unconditional_reasons=[], facts=facts()) is True
    assert applies(reasons=["PHK"], condition="always", unconditional_reasons=[], facts=facts()) is False
    npwp = {"reasons": [], "condition": "npwp_threshold", "unconditional_reasons": ["PARTIAL_10", "PARTIAL_30"]}
    assert applies(**npwp, facts=facts()) is None  # type: ignore[arg-type]
    assert applies(**npwp, facts=facts(balance=50_000_001)) is True  # type: ignore[arg-type]
    assert applies(**npwp, facts=facts(balance=50_000_000)) is False  # type: ignore[arg-type]
    assert applies(**npwp, facts=facts(reason="PARTIAL_30", balance=1)) is True  # type: ignore[arg-type]
    assert applies(reasons=[], condition="married", unconditional_reasons=[], facts=facts(married=False)) is False


def test_requirement_status() -> None:
    st = policy.requirement_status
    assert st(stored_statuses=[], refused_count=0, min_files=1) == policy.MISSING
    assert st(stored_statuses=[], refused_count=2, min_files=1) == policy.REFUSED
    assert st(stored_statuses=["RECEIVED"], refused_count=1, min_files=1) == policy.RECEIVED
    assert st(stored_statuses=["ACCEPTED", "ACCEPTED"], refused_count=0, min_files=2) == policy.ACCEPTED
    assert st(stored_statuses=["ACCEPTED"], refused_count=0, min_files=2) == policy.MISSING


@pytest.mark.parametrize(("head", "kind"), [
    (b"\xff\xd8\xff\xe0", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"%PDF-1.7", "pdf"),
    (b"\x00\x00\x00\x18ftypheic", "heic"), (b"PK\x03\x04", "zip"), (b"Rar!\x1a\x07\x00", "archive"),
    (b"\x78\x9f\x3e\x22", "tnef"), (b"MZ\x90", "executable"), (b"\xef\xbb\xbf<svg>", "svg"),
    (b"  <!DOCTYPE html>", "html"), (b"GIF89a", "gif"), (b"hello", "unknown"),
])
def test_sniff(head: bytes, kind: str) -> None:
    assert pipeline.sniff(head) == kind


def test_every_reason_has_an_english_translation() -> None:
    from django.utils import translation

    for code in pipeline.REASONS:
        with translation.override("id"):
            indonesian = str(pipeline.REASONS[code])
        with translation.override("en"):
            english = str(pipeline.REASONS[code])
        assert indonesian != english, code


@pytest.mark.parametrize(("kw", "expected"), [
    (dict(held=False, size=10, files=0, total_bytes=0, max_files=40, max_bytes=100), None),
    (dict(held=False, size=10, files=40, total_bytes=0, max_files=40, max_bytes=100), "claim_file_limit"),
    (dict(held=False, size=11, files=3, total_bytes=90, max_files=40, max_bytes=100), "claim_size_limit"),
    (dict(held=False, size=10, files=3, total_bytes=90, max_files=40, max_bytes=100), None),
    (dict(held=False, size=1, files=3, total_bytes=0, max_files=40, max_bytes=100, requirement_files=2,
          requirement_max=2), "requirement_full"),
    (dict(held=True, size=1, files=10, total_bytes=0, max_files=10, max_bytes=100), "unverified_sender_limit"),
    (dict(held=True, size=101, files=0, total_bytes=0, max_files=10, max_bytes=100), "unverified_sender_limit"),
    (dict(held=True, size=1, files=9, total_bytes=0, max_files=10, max_bytes=100, requirement_files=5,
          requirement_max=2), None),  # held files do not fill a requirement
    (dict(held=True, size=1, files=0, total_bytes=0, max_files=0, max_bytes=100), "unverified_sender_limit"),
], ids=["room", "file_limit", "size_limit", "exactly_full_bytes", "requirement_full", "held_files",
        "held_bytes", "held_ignores_requirement", "held_budget_zero"])
def test_storage_refusal(kw: dict[str, Any], expected: str | None) -> None:
    assert policy.storage_refusal(**kw) == expected


@pytest.mark.parametrize(("received", "refused", "outcome"), [
    (2, 0, "received"), (1, 1, "partial"), (0, 3, "refused"), (0, 0, "none")])
def test_ack_outcome(received: int, refused: int, outcome: str) -> None:
    assert policy.ack_outcome(received=received, refused=refused) == outcome
