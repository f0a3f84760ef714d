"""Templates are keyed by the workflow's event names (``claims.workflow.EVENT_FOR_STATE``); the
``claim_<state>`` alias events were never sent, so their copied template rows go."""

from django.db import migrations

ALIAS_EVENTS = [
    "claim_booked", "claim_awaiting_documents", "claim_documents_received", "claim_documents_incomplete",
    "claim_upload_failed", "claim_dropbox_expected", "claim_needs_confirmation", "claim_cancelled", "claim_expired",
]


def drop_alias_templates(apps, schema_editor):  # type: ignore[no-untyped-def]
    Template = apps.get_model("notifications", "NotificationTemplate")
    Template.objects.filter(event__in=ALIAS_EVENTS).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_notification_task_id")]
    operations = [migrations.RunPython(drop_alias_templates, migrations.RunPython.noop)]
