from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One row per (job, period): the unique constraint makes sure that, however many workers run
    the scheduler, each period's job is enqueued exactly once (the insert and the enqueue share a
    transaction)."""

    job = models.CharField(max_length=100)
    period = models.BigIntegerField(help_text="floor(unix time / interval)")
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once")]
        indexes = [models.Index(fields=["job", "-period"])]

    def __str__(self) -> str:
        return f"{self.job}@{self.period}"


class RateWindow(models.Model):
    """A fixed-window request counter shared by every process (web workers on the embedded default,
    where the cache is per process): one row per hashed key and window, counted with one
    upsert whose update is conditional (``core/ratewindow.py``). Old windows are deleted hourly."""

    key = models.CharField(max_length=80, help_text="scope:hash of the identity:window length, never the identity")
    window = models.BigIntegerField(help_text="the window's start, unix seconds")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_window_once")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}={self.count}"
