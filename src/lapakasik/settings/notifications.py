"""Notification channel settings (owned by the notifications app). Read from environment variables."""

from __future__ import annotations
