"""frontdesk.policy without a database: reading a temperature typed at the door, the threshold, the name,
the retention cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lapakasik.frontdesk import policy
from lapakasik.frontdesk.models import Outcome


@pytest.mark.parametrize(("typed", "celsius"), [
    ("36.8", "36.8"), ("36,8", "36.8"), (" 36,8 ", "36.8"), ("37", "37.0"), ("37,3", "37.3"), ("36,80", "36.8"),
    ("36.5°C", "36.5"), ("36,5 °C", "36.5"), ("36,5 C", "36.5"), ("36,5c", "36.5"), ("36,5°", "36.5"),
    ("30", "30.0"), ("45,0", "45.0"), ("030,0", "30.0"),
])
def test_a_reading_in_celsius_is_read_with_a_comma_or_a_point(typed: str, celsius: str) -> None:
    assert policy.temperature_parse(typed) == Decimal(celsius)


@pytest.mark.parametrize("typed", ["98.6", "98,6", "100.4", "86", "113", "99 F", "98.6°F", "37 F", "37°F"])
def test_a_reading_in_fahrenheit_is_refused_with_a_message_saying_to_use_celsius(typed: str) -> None:
    with translation.override("id"), pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse(typed)
    assert err.value.code == "fahrenheit"
    assert "Fahrenheit" in err.value.message and "°C" in err.value.message


def test_the_fahrenheit_message_converts_the_reading_it_was_given() -> None:
    with translation.override("id"), pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse("98,6")
    assert "98,6 °F = 37,0 °C" in err.value.message
    with translation.override("en"), pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse("100.4")
    assert "100.4 °F = 38.0 °C" in err.value.message and "°C" in err.value.message


@pytest.mark.parametrize("typed", ["29,9", "45,1", "0", "50", "85,9", "113,1", "200", "12"])
def test_a_reading_outside_30_to_45_is_refused(typed: str) -> None:
    with pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse(typed)
    assert err.value.code == "out_of_range"


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_reading_is_refused(typed: object) -> None:
    with pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse(typed)
    assert err.value.code == "empty"


@pytest.mark.parametrize("typed", [
    "abc", "36.8.1", "36,,8", "-36,8", "+36,8", "3 6,8", "36;8", "1e2", "NaN", "inf", "36.8x", "٣٦٫٨", "３６.８",
    "36.8\x00", "36,8 K", "36,8 °C °C", "'; DROP TABLE", "9" * 200, ",8", "36,", "36.8%",
])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse(typed)
    assert err.value.code == "not_a_number"


@pytest.mark.parametrize("typed", ["36,85", "36.81", "37,25"])
def test_a_second_decimal_is_refused_not_rounded(typed: str) -> None:
    with pytest.raises(policy.TemperatureError) as err:
        policy.temperature_parse(typed)
    assert err.value.code == "too_precise"


@given(st.integers(min_value=300, max_value=450), st.sampled_from([",", "."]))
def test_every_tenth_from_30_to_45_reads_back(tenths: int, separator: str) -> None:
    typed = f"{tenths // 10}{separator}{tenths % 10}"
    assert policy.temperature_parse(typed) == Decimal(tenths) / 10


@given(st.text(max_size=30))
def test_any_text_is_a_reading_in_range_or_a_temperature_error(typed: str) -> None:
    try:
        value = policy.temperature_parse(typed)
    except policy.TemperatureError as exc:
        assert exc.code in {"empty", "not_a_number", "too_precise", "fahrenheit", "out_of_range"}
    else:
        assert policy.MIN_C <= value <= policy.MAX_C and value == value.quantize(Decimal("0.1"))


def test_at_the_threshold_the_visitor_is_sent_home_below_it_admitted() -> None:
    t = Decimal("37.3")
    assert policy.outcome_for(Decimal("37.2"), t) == Outcome.ADMITTED
    assert policy.outcome_for(Decimal("37.3"), t) == Outcome.SENT_HOME
    assert policy.outcome_for(Decimal("39.0"), t) == Outcome.SENT_HOME
    assert policy.outcome_for(Decimal("37.4"), Decimal("37.5")) == Outcome.ADMITTED


@pytest.mark.parametrize(("raw", "ok"), [("37.3", True), ("37,5", True), ("99.1", False), ("", False), ("x", False)])
def test_a_threshold_that_is_not_a_celsius_reading_is_a_configuration_error(raw: str, ok: bool) -> None:
    if ok:
        assert policy.threshold_parse(raw) == Decimal(raw.replace(",", "."))
    else:
        with pytest.raises(ValueError, match="SCREENING_FEVER_THRESHOLD_C"):
            policy.threshold_parse(raw)


def test_the_name_is_tidied_and_bounded() -> None:
    assert policy.visitor_name_clean("  Siti \t  Aminah\n") == "Siti Aminah"
    assert policy.visitor_name_clean("Siti\x00\x1b[31m") == "Siti[31m"
    assert policy.visitor_name_clean(None) == ""
    assert policy.visitor_name_clean("a" * 100) == "a" * 100
    with pytest.raises(ValueError):
        policy.visitor_name_clean("a" * 101)


def test_the_retention_cut_off_keeps_whole_days_and_refuses_zero() -> None:
    now = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)
    assert policy.purge_before(now, 14) == now - timedelta(days=14)
    with pytest.raises(ValueError):
        policy.purge_before(now, 0)
