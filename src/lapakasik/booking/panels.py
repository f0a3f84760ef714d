"""Panels the apps above booking add to the participant's page ``/antrean/saya/<code>/``: an app registers
a function in its ``AppConfig.ready``; the page shows what each returns for the claim (a template and its
context), so booking imports none of those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lapakasik.claims.models import Claim


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelSource = Callable[[Claim], Panel | None]
_sources: list[PanelSource] = []


def participant_panel_register(source: PanelSource) -> None:
    if source not in _sources:
        _sources.append(source)


def participant_panels(claim: Claim) -> list[Panel]:
    return [p for p in (source(claim) for source in _sources) if p is not None]
