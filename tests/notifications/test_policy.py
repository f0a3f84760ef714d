"""Pure rules: backoff with jitter, SMS segments (GSM-7 / UCS-2), fitting, fallback order, rate-limit
configuration, template variables, signatures and timestamps."""

from __future__ import annotations

import random

import pytest

from lapakasik.notifications import policy


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (10, 300)]:
        values = [policy.backoff_seconds(attempt, base=10, cap=300, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= v <= ceiling for v in values)
        assert max(values) - min(values) > ceiling / 10  # jitter spreads retries


@pytest.mark.parametrize(("text", "encoding", "segments"), [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),  # extension characters count two septets
    ("€" * 81, "GSM-7", 2),
    ("Rp 1.000 @ £ é ü ñ Ä", "GSM-7", 1),
    ("ü" * 70 + "✅", "UCS-2", 2),
    ("ç" * 70, "UCS-2", 1),  # lower-case ç is not in GSM 03.38
    ("✅" * 70, "UCS-2", 1),
    ("✅" * 71, "UCS-2", 2),
    ("✅" * 134, "UCS-2", 2),
    ("✅" * 135, "UCS-2", 3),
    ("😀" * 35, "UCS-2", 1),  # surrogate pairs: two units each
    ("😀" * 36, "UCS-2", 2),
])
def test_sms_segments(text: str, encoding: str, segments: int) -> None:
    assert policy.sms_encoding(text) == encoding
    assert policy.sms_segments(text) == segments


def test_sms_fit_keeps_the_tail_whole() -> None:
    tail = " Kode cek: ABCD-1234 http://x/cek-pesan/"
    fitted = policy.sms_fit("kata " * 200, 2, keep_tail=tail)
    assert fitted.endswith("..." + tail) and policy.sms_segments(fitted) == 2
    assert policy.sms_fit("pendek", 1, keep_tail=tail) == "pendek" + tail
    fitted = policy.sms_fit("✅ emoji " * 100, 1, keep_tail=tail)
    assert policy.sms_segments(fitted) == 1 and fitted.endswith(tail)


def test_fallback_order() -> None:
    chain = ["whatsapp", "sms", "email"]
    everything = {"whatsapp", "sms", "email", "phone"}
    assert policy.fallback_next(preferred=["whatsapp"], chain=chain, used=["whatsapp"], reachable=everything) == "sms"
    assert policy.fallback_next(preferred=["phone", "email"], chain=chain, used=["phone"],
                                reachable=everything) == "email"
    assert policy.fallback_next(preferred=[], chain=chain, used=["whatsapp", "sms"], reachable={"whatsapp", "sms"}) is None
    assert policy.fallback_next(preferred=[], chain=chain, used=["email"], reachable={"email", "sms"}) == "sms"


def test_rate_limit_parsing_ignores_garbage() -> None:
    assert policy.parse_rate_limits("whatsapp=80, sms=30,bad,=4,email=x,simulator=1000") == {
        "whatsapp": 80, "sms": 30, "simulator": 1000}


def test_template_variables() -> None:
    src = ("{{ name }} {{ m.label }} {% for r in received %}{{ r.filename }}{{ forloop.counter }}{% endfor %}"
           "{% if complete and not held_sender %}{% elif missing|length > 2 %}{% endif %}"
           "{{ amount|default:'x' }} {% if x == 'name' %}{% endif %}")
    assert policy.template_variables(src) == {"name", "m", "received", "complete", "held_sender", "missing",
                                              "amount", "x"}
    assert policy.unknown_variables("{{ a }}{{ b }}", {"a"}) == ["b"]


def test_signatures_and_timestamps() -> None:
    body = b'{"x":1}'
    good = "sha256=" + policy.hmac_hex("s3cret", body)
    assert policy.signature_valid(secret="s3cret", payload=body, header=good)
    assert policy.signature_valid(secret="s3cret", payload=body, header=good.split("=", 1)[1])
    assert not policy.signature_valid(secret="s3cret", payload=body + b" ", header=good)
    assert not policy.signature_valid(secret="other", payload=body, header=good)
    assert not policy.signature_valid(secret="", payload=body, header="sha256=" + policy.hmac_hex("", body))
    assert not policy.signature_valid(secret="s3cret", payload=body, header="")
    assert policy.timestamp_fresh("1000", now=1100, tolerance=300)
    assert not policy.timestamp_fresh("1000", now=1400, tolerance=300)
    assert not policy.timestamp_fresh("soon", now=1000, tolerance=300)
    assert not policy.timestamp_fresh(None, now=1000, tolerance=300)  # type: ignore[arg-type]


def test_format_code() -> None:
    assert policy.format_code("ABCD1234") == "ABCD-1234"
    assert policy.format_code("ABC") == "ABC"
