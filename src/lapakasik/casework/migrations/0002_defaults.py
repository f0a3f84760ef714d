"""The default refusal reasons, and the queue order (session start) of claims booked before it existed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    from lapakasik.casework.reasons import DEFAULTS

    reason = apps.get_model("casework", "RefusalReason")
    for row in DEFAULTS:
        reason.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    claim = apps.get_model("claims", "Claim")
    booking = apps.get_model("booking", "Booking")
    claim.objects.filter(session_at__isnull=True).update(session_at=Subquery(
        booking.objects.filter(claim_id=OuterRef("pk")).values("slot__starts_at")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("claims", "0005_claim_queue_fields"),
        ("booking", "0003_booking_holds_the_seat_waitlist_applicant"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
