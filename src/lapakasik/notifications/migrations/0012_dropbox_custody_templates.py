"""Ship the templates of the dropbox's chain of custody: the reminder of the planned day, the envelope
received, its pages digitised, and a hand-over whose counts do not match (to the supervisor)."""

from django.db import migrations

NEW_EVENTS = ("dropbox_reminder", "envelope_received", "envelope_digitised", "handover_mismatch")


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_waitlist_joined_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
