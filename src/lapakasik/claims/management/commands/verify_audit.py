"""``lapakasik verify_audit``: check every claim's history hash chain; name the first broken event
of each broken claim (claim code, seq, edited / missing / reordered). Exit code 1 when anything is
broken, 0 otherwise.

Streams the events ordered by (claim, seq) in chunks: memory stays constant per claim (the previous
event's hash, seq, time and state) however long the history is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lapakasik.claims.audit import EVENT_COLUMNS, Break, ChainCheck
from lapakasik.claims.models import Claim, ClaimEvent


class Command(BaseCommand):
    help = "Check every claim's history hash chain; exit code 1 when an event was edited, removed or moved."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000, help="events read per database round trip")
        parser.add_argument("--show", type=int, default=50, help="broken claims listed at most (all are counted)")

    def handle(self, *args: Any, **options: Any) -> None:
        chunk = max(1, int(options["chunk_size"]))
        show = max(0, int(options["show"]))
        shown: list[Break] = []
        claims = events = broken = 0

        def done(check: ChainCheck | None) -> None:
            nonlocal claims, broken
            if check is None:
                return
            claims += 1
            found = check.finish()
            if found is not None:
                broken += 1
                if len(shown) < show:
                    shown.append(found)

        rows = (ClaimEvent.objects.order_by("claim_id", "seq")
                .values_list("claim_id", "claim__code", "claim__state", *EVENT_COLUMNS).iterator(chunk_size=chunk))
        check: ChainCheck | None = None
        current = None
        for claim_id, code, state, *event in rows:
            if claim_id != current:
                done(check)
                check, current = ChainCheck(claim_code=code, claim_state=state), claim_id
            assert check is not None
            check.feed(tuple(event))
            events += 1
        done(check)
        # A claim whose whole history is gone has no rows above.
        for code in Claim.objects.filter(events__isnull=True).order_by("id").values_list("code", flat=True).iterator(
                chunk_size=chunk):
            done(ChainCheck(claim_code=code))

        for found in shown:
            self.stdout.write(f"BROKEN {found}")
        self.stdout.write(f"verify_audit: {claims} claims, {events} events checked, {broken} broken")
        if broken:
            raise CommandError(f"{broken} claim histories are broken", returncode=1)
