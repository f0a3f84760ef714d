"""Fixtures of the notification tests: claims, and real local servers (SMTP sink, provider HTTP)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def make_claim(network: None) -> Any:
    from lapakasik.branches.models import Branch
    from lapakasik.claims.models import Claim
    from lapakasik.core.codes import new_code, token_digest

    def make(**kw: Any) -> Any:
        branch = kw.pop("branch", None) or Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
        fields = dict(code=new_code(8), claim_type="JHT", claim_reason="RESIGNED", branch=branch,
                      nik="3174010101900003", kpj="12345678901", full_name="Siti Rahayu", email="siti@example.id",
                      phone="+6281234567890", channels=["email"], access_token_digest=token_digest(new_code(20)))
        fields.update(kw)
        return Claim.objects.create(**fields)

    return make


@pytest.fixture
def claim(make_claim: Any) -> Any:
    return make_claim()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on_commit callbacks (the task enqueues) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_queue(limit: int = 200) -> list[str]:
    """Run every ready notification task in this process, as the worker would (including the ones
    they enqueue), and return the outcomes."""
    from django_tasks_db.models import DBTaskResult

    from lapakasik.notifications.services import notification_dispatch

    outcomes = []
    for _ in range(limit):
        task = DBTaskResult.objects.ready().filter(queue_name="notifications").order_by("enqueued_at").first()
        if task is None:
            break
        task.claim("test")
        args = task.args_kwargs["args"]
        outcomes.append(notification_dispatch(notification_id=args[0]))
        task.set_successful(None)
    return outcomes
