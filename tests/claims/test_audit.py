"""``lapakasik verify_audit``: an edited, deleted or moved history row is found and named (claim code,
seq, what is wrong); a clean database passes with exit code 0."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lapakasik.claims.models import ClaimEvent
from lapakasik.claims.workflow import State

pytestmark = pytest.mark.django_db


def _history(claim: Any) -> Any:
    """BOOKED → AWAITING_DOCUMENTS → DOCUMENTS_RECEIVED → IN_REVIEW, and an officer's note: 5 events."""
    from lapakasik.claims.services import Actor, claim_event_record, claim_transition

    for to in (State.AWAITING_DOCUMENTS, State.DOCUMENTS_RECEIVED, State.IN_REVIEW):
        claim_transition(claim=claim, to=to, actor=Actor.system(), reason=f"to {to}")
    claim_event_record(claim=claim, kind=ClaimEvent.Kind.DOCUMENT_OPENED, actor=Actor.system(), data={"document": 1})
    return claim


def run_audit() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", "--chunk-size", "3", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_clean_database_passes(make_claim: Any) -> None:
    for _ in range(3):
        _history(make_claim())
    code, out = run_audit()
    assert code == 0, out
    assert "3 claims, 15 events checked, 0 broken" in out and "BROKEN" not in out


def test_an_empty_database_passes(db: Any) -> None:
    assert run_audit() == (0, "verify_audit: 0 claims, 0 events checked, 0 broken\n")


def test_an_edited_reason_is_caught_with_its_claim_and_seq(make_claim: Any) -> None:
    good, bad = _history(make_claim()), _history(make_claim())
    ClaimEvent.objects.filter(claim=bad, seq=3).update(reason="approved by the director")
    code, out = run_audit()
    assert code == 1
    assert f"BROKEN claim {bad.code} seq 3: edited" in out
    assert good.code not in out
    assert "2 claims, 10 events checked, 1 broken" in out


@pytest.mark.parametrize("column", ["data", "actor_label", "to_state", "kind"])
def test_any_edited_column_is_caught(claim: Any, column: str) -> None:
    _history(claim)
    value: Any = {"document": 2} if column == "data" else ("document_reviewed" if column == "kind" else "PAID")
    ClaimEvent.objects.filter(claim=claim, seq=5).update(**{column: value})
    code, out = run_audit()
    assert code == 1 and f"BROKEN claim {claim.code} seq 5: edited" in out, out


def test_a_deleted_middle_row_is_caught(make_claim: Any) -> None:
    claim = _history(make_claim())
    ClaimEvent.objects.filter(claim=claim, seq=2).delete()
    code, out = run_audit()
    assert code == 1
    assert f"BROKEN claim {claim.code} seq 2: missing" in out


def test_deleted_last_rows_are_caught_by_the_claims_state(claim: Any) -> None:
    _history(claim)
    ClaimEvent.objects.filter(claim=claim, seq__gte=4).delete()  # the move to IN_REVIEW and the note
    code, out = run_audit()
    assert code == 1
    assert f"BROKEN claim {claim.code} seq 4: missing" in out and "IN_REVIEW" in out


def test_a_claim_without_any_history_is_caught(claim: Any) -> None:
    ClaimEvent.objects.filter(claim=claim).delete()
    code, out = run_audit()
    assert code == 1 and f"BROKEN claim {claim.code} seq 1: missing" in out


def test_swapped_rows_are_caught_as_reordered(claim: Any) -> None:
    _history(claim)
    ClaimEvent.objects.filter(claim=claim, seq=3).update(seq=99)
    ClaimEvent.objects.filter(claim=claim, seq=4).update(seq=3)
    ClaimEvent.objects.filter(claim=claim, seq=99).update(seq=4)
    code, out = run_audit()
    assert code == 1 and f"BROKEN claim {claim.code} seq 3: reordered" in out, out


def test_a_replaced_row_with_a_recomputed_hash_is_caught(claim: Any) -> None:
    """Someone rewrote seq 3 and recomputed its hash — the next row no longer follows it."""
    from lapakasik.claims import audit

    _history(claim)
    ev = ClaimEvent.objects.get(claim=claim, seq=3)
    ev.reason = "forged"
    ev.hash = audit.event_hash(ev.prev_hash, audit.event_payload(
        claim_code=claim.code, seq=ev.seq, kind=ev.kind, from_state=ev.from_state, to_state=ev.to_state,
        actor_kind=ev.actor_kind, actor_label=ev.actor_label, reason=ev.reason, data=ev.data,
        created_at=ev.created_at))
    ev.save()
    code, out = run_audit()
    assert code == 1 and f"BROKEN claim {claim.code} seq 4: reordered" in out, out


def test_only_the_first_break_of_a_claim_is_named(claim: Any) -> None:
    _history(claim)
    ClaimEvent.objects.filter(claim=claim, seq__in=[2, 4]).update(reason="x")
    code, out = run_audit()
    assert code == 1 and out.count("BROKEN") == 1 and "seq 2: edited" in out


def test_claim_history_verify_agrees(claim: Any) -> None:
    from lapakasik.claims.services import claim_history_verify

    _history(claim)
    assert claim_history_verify(claim)
    ClaimEvent.objects.filter(claim=claim, seq=1).update(actor_label="someone else")
    assert not claim_history_verify(claim)
