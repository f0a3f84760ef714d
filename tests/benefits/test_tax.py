"""The tax on a lump-sum benefit (PP 68/2009) and the net, pure: boundary amounts table-driven, and the
properties that hold for every amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lapakasik.benefits import policy
from lapakasik.benefits.policy import PP_68_2009, TaxTable, benefit, gross_amount

T = PP_68_2009


@pytest.mark.parametrize(("gross", "has_npwp", "taxable", "rate_bp", "tax", "net"), [
    (0, True, 0, 500, 0, 0),
    (1, True, 0, 500, 0, 1),
    (49_999_999, True, 0, 500, 0, 49_999_999),
    (50_000_000, True, 0, 500, 0, 50_000_000),  # exactly the threshold: nothing taxed
    (50_000_001, True, 1, 500, 0, 50_000_001),  # one rupiah above: 5 % of 1 rounds down to 0
    (50_000_020, True, 20, 500, 1, 50_000_019),  # the first whole rupiah of tax
    (50_000_000, False, 0, 600, 0, 50_000_000),  # no NPWP, at the threshold: still nothing
    (50_000_001, False, 1, 600, 0, 50_000_001),
    (75_000_000, True, 25_000_000, 500, 1_250_000, 73_750_000),  # the journey
    (75_000_000, False, 25_000_000, 600, 1_500_000, 73_500_000),  # 20 % higher without NPWP
    (150_000_000, True, 100_000_000, 500, 5_000_000, 145_000_000),
    (150_000_000, False, 100_000_000, 600, 6_000_000, 144_000_000),
    (50_000_019, True, 19, 500, 0, 50_000_019),  # 0.95 rupiah: rounded down, never up
])
def test_tax_and_net_at_the_boundaries(gross: int, has_npwp: bool, taxable: int, rate_bp: int, tax: int,
                                       net: int) -> None:
    b = benefit(gross, has_npwp=has_npwp, table=T)
    assert (b.taxable, b.rate_bp, b.tax, b.net, b.has_npwp) == (taxable, rate_bp, tax, net, has_npwp)
    assert b.threshold == 50_000_000


def test_a_later_rule_changes_only_what_is_computed_with_it() -> None:
    later = TaxTable(threshold=60_000_000, rate_bp=400, no_npwp_rate_bp=480)
    assert benefit(75_000_000, has_npwp=True, table=later).tax == 600_000
    assert benefit(75_000_000, has_npwp=True, table=T).tax == 1_250_000


@pytest.mark.parametrize(("balance", "percent", "gross"), [
    (80_000_000, None, 80_000_000), (80_000_000, 10, 8_000_000), (80_000_000, 30, 24_000_000),
    (99, 10, 9), (0, 30, 0), (1_234_567, 1, 12_345),
])
def test_gross_is_the_balance_or_the_chosen_share_rounded_down(balance: int, percent: int | None, gross: int) -> None:
    assert gross_amount(balance, percent) == gross


@pytest.mark.parametrize(("balance", "percent"), [(-1, None), (100, 0), (100, 101), (100, -5)])
def test_impossible_inputs_are_refused(balance: int, percent: int | None) -> None:
    with pytest.raises(ValueError):
        gross_amount(balance, percent)


def test_a_negative_gross_and_a_broken_table_are_refused() -> None:
    with pytest.raises(ValueError):
        benefit(-1, has_npwp=True, table=T)
    with pytest.raises(ValueError):
        TaxTable(threshold=-1, rate_bp=500, no_npwp_rate_bp=600)
    with pytest.raises(ValueError):
        TaxTable(threshold=0, rate_bp=10_001, no_npwp_rate_bp=600)


@pytest.mark.parametrize(("rate_bp", "shown"), [(500, "5"), (600, "6"), (250, "2.5"), (1250, "12.5"), (5, "0.05")])
def test_the_rate_as_the_participant_reads_it(rate_bp: int, shown: str) -> None:
    b = policy.Benefit(gross=0, threshold=0, taxable=0, rate_bp=rate_bp, has_npwp=True, tax=0, net=0)
    assert b.rate_percent == shown


@pytest.mark.parametrize(("amount", "language", "text"), [
    (73_750_000, "id", "73.750.000"), (73_750_000, "en", "73,750,000"), (0, "id", "0"), (999, "id", "999")])
def test_rupiah_figures(amount: int, language: str, text: str) -> None:
    assert policy.rupiah(amount, language) == text


def test_four_eyes_is_strictly_above_the_amount() -> None:
    assert not policy.needs_second_approval(50_000_000, 50_000_000)
    assert policy.needs_second_approval(50_000_001, 50_000_000)


tables = st.builds(TaxTable, threshold=st.integers(0, 10**11), rate_bp=st.integers(0, 10_000),
                   no_npwp_rate_bp=st.integers(0, 10_000))


@given(gross=st.integers(0, 10**13), has_npwp=st.booleans(), table=tables)
def test_tax_is_never_negative_and_net_never_above_gross(gross: int, has_npwp: bool, table: TaxTable) -> None:
    b = benefit(gross, has_npwp=has_npwp, table=table)
    assert 0 <= b.tax <= b.taxable <= gross
    assert 0 <= b.net <= b.gross == gross
    assert b.net + b.tax == gross


@given(gross=st.integers(0, 10**13))
def test_without_npwp_the_tax_is_never_lower(gross: int) -> None:
    assert benefit(gross, has_npwp=False, table=T).tax >= benefit(gross, has_npwp=True, table=T).tax


@given(a=st.integers(0, 10**12), b=st.integers(0, 10**12))
def test_more_gross_never_means_less_net(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert benefit(lo, has_npwp=True, table=T).net <= benefit(hi, has_npwp=True, table=T).net
