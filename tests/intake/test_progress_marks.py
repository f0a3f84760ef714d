"""Scheduling and de-duplication marks live on the claim's IntakeProgress row; history records what
happened but is never read to decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.claims.models import ClaimEvent
from lapakasik.core import clock
from lapakasik.intake.models import IntakeProgress

pytestmark = pytest.mark.django_db


def test_acknowledgement_marks(claim: Any) -> None:
    from lapakasik.intake.receive import intake_ack_schedule
    from lapakasik.intake.services import intake_ack_send_pending

    assert intake_ack_schedule(claim=claim, delay_seconds=60) is True
    progress = IntakeProgress.objects.get(claim=claim)
    assert progress.ack_sent_at is None
    assert clock.now() < progress.ack_due_at <= clock.now() + timedelta(seconds=60)  # type: ignore[operator]
    assert intake_ack_schedule(claim=claim) is False  # one pending per burst
    assert intake_ack_send_pending(claim_id=claim.pk) == 0  # nothing uploaded: nothing to say
    progress.refresh_from_db()
    assert progress.ack_due_at is None and progress.ack_sent_at is not None
    assert intake_ack_schedule(claim=claim) is True  # the next burst gets its own
    kinds = set(ClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True))
    assert "intake_ack_scheduled" not in kinds and "intake_ack_sent" in kinds


def test_reminder_mark_and_its_record(make_claim: Any) -> None:
    from lapakasik.intake.services import intake_reminders_send

    near = make_claim(documents_due_at=clock.now() + timedelta(hours=5))
    assert intake_reminders_send() == 1
    assert IntakeProgress.objects.get(claim=near).documents_reminded_at is not None
    assert ClaimEvent.objects.filter(claim=near, kind=ClaimEvent.Kind.DOCUMENTS_REMINDER_SENT).count() == 1
    # The mark decides, not history: without the mark the claim is due again.
    IntakeProgress.objects.filter(claim=near).update(documents_reminded_at=None)
    assert intake_reminders_send() == 1
