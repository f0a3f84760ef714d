"""Ship the template of the quota opening's "the day is gone": told once to everyone still waiting in the
opening's waiting room when the opened day's seats are all booked."""

from django.db import migrations

NEW_EVENTS = ("opening_sold_out",)


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
