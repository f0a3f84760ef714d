"""``{% channel_policy_note branch %}``: one line on a participant's page saying how documents may reach the
branch now (its dropbox open, or online only since when and why) — the policy in force, read when the page
is drawn, so a change shows at once."""

from __future__ import annotations

from typing import Any

from django import template

from lapakasik.branches.selectors import branch_effective_policy

register = template.Library()


@register.inclusion_tag("branches/_policy_note.html")
def channel_policy_note(branch: Any) -> dict[str, Any]:
    if branch is None:
        return {"policy": None}
    return {"policy": branch_effective_policy(branch), "branch": branch}
