"""Ship the templates of the officer's confirmations: the call missed (with the self-service link) and the
reminder before a call."""

from django.db import migrations

NEW_EVENTS = ("confirmation_missed", "call_reminder")


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_unverified_sender_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
