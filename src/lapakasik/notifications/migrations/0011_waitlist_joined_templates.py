"""Ship the templates of "you are on the waiting list": told once, on the participant's channels, when they
join a full session's waiting list."""

from django.db import migrations

NEW_EVENTS = ("waitlist_joined",)


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0010_merge_upload_wording_and_channel_policy")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
