"""Pure rules: holder names, the batch sums (property-based), the bank files' shape."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lapakasik.payments import bankfiles, policy


def test_titles_and_punctuation_do_not_count_but_words_do() -> None:
    assert policy.holder_matches("Bpk. Budi Santoso, S.E.", "BUDI SANTOSO")
    assert policy.holder_matches("Hj. Siti Nurhaliza, S.Pd., M.M.", "siti nurhaliza")
    assert policy.holder_matches("Dr. Ir. Made Wiranata", "Made  Wiranata")
    assert policy.holder_matches("José Ramírez", "Jose Ramirez")
    assert not policy.holder_matches("Budi Santoso", "Budi Santosa")
    assert not policy.holder_matches("Bpk.", "Bpk.")
    assert not policy.holder_matches("", "")


def test_service_level_defaults() -> None:
    assert policy.payment_days("JHT") == 5 and policy.payment_days("JKM") == 3
    assert policy.payment_days("JHT", {"JHT": 4}) == 4


lines = st.lists(st.tuples(st.integers(min_value=1, max_value=10**12),
                           st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=30)),
                 min_size=1, max_size=200)


@given(lines)
def test_the_sum_of_the_batch_lines_equals_its_control_total(rows: list[tuple[int, str]]) -> None:
    text, count, total = bankfiles.batch_csv(
        reference="B1", branch_code="KC1", business_date=date(2026, 12, 2),
        lines=[bankfiles.Line(f"PI{n}", "014", "1234567890", name, amount, "CODE")
               for n, (amount, name) in enumerate(rows)])
    parsed = list(csv.reader(io.StringIO(text)))
    details = [r for r in parsed if r[0] == "D"]
    assert count == len(details) == len(rows)
    assert total == sum(int(r[5]) for r in details) == sum(a for a, _ in rows)
    assert parsed[0][4:] == [str(count), str(total)] and parsed[-1] == ["T", str(count), str(total)]
    assert policy.control_total(a for a, _ in rows) == (count, total)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10**12), st.booleans()), min_size=1, max_size=100))
def test_a_result_file_that_adds_up_parses_whole(rows: list[tuple[int, bool]]) -> None:
    content = bankfiles.result_csv(batch_reference="B1", lines=[
        (f"PI{n}", ok, amount, date(2026, 12, 3) if ok else None, "" if ok else "R1", "" if ok else "Ditolak")
        for n, (amount, ok) in enumerate(rows)])
    parsed = bankfiles.result_parse(content)
    assert parsed.errors == []
    assert parsed.total == sum(line.amount for line in parsed.lines) == sum(a for a, _ in rows)


def test_a_formula_in_a_name_cannot_reach_a_spreadsheet() -> None:
    text, _c, _t = bankfiles.batch_csv(reference="B", branch_code="K", business_date=date(2026, 12, 2),
                                       lines=[bankfiles.Line("PI1", "014", "1", "=cmd", 1, "C")])
    assert ",'=cmd," in text
