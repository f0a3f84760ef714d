"""Branch operations: who a channel-policy change has to tell, and whether they have been told."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyNotice(models.Model):
    """One participant a channel-policy change affects (their claim, at a branch the change moves, waiting
    for a dropbox drop or with a failed upload when the change started). ``told_at`` is the flag that makes
    the message go out once: it is set in the same transaction that stores the participant's messages, and
    only rows without it are taken, however often the job runs. ``sent`` is False when the claim had left
    those states by the time its turn came (nothing to tell)."""

    change = models.ForeignKey("branches.ChannelPolicy", on_delete=models.PROTECT, related_name="notices")
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    told_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "claim"], name="policy_notice_once_per_claim")]
        indexes = [models.Index(fields=["change", "told_at", "id"], name="policy_notice_todo_idx")]
        verbose_name = _("pemberitahuan kebijakan kanal")
        verbose_name_plural = _("pemberitahuan kebijakan kanal")

    def __str__(self) -> str:
        return f"{self.change_id} → {self.claim_id}"
