"""Ship the templates of a channel-policy change (a branch's dropbox suspended or open again), told once to
each participant it affects."""

from django.db import migrations

NEW_EVENTS = ("channel_policy_changed",)


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_casework_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
