from __future__ import annotations

from typing import Any

import pytest

from .conftest import run_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_enqueue_and_deliver_to_simulator(claim: Any) -> None:
    from django.db import transaction

    from lapakasik.claims.services import applicant_recipient
    from lapakasik.notifications.models import Notification, SimulatedMessage
    from lapakasik.notifications.services import notification_enqueue, template_defaults_install

    template_defaults_install()
    with transaction.atomic():
        rows = notification_enqueue(event="claim_approved", claim=claim, to=applicant_recipient(claim), context={"amount": "12.500.000"},
                                    channels=["email", "whatsapp", "sms"])
    assert len(rows) == 3
    print(run_queue())
    for row in Notification.objects.all():
        print(row.channel, row.status, row.last_error)
        print(row.body_text)
    assert SimulatedMessage.objects.count() == 3
