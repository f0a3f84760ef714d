"""Ship the template of the one-time sign-in link e-mailed to a company HR officer."""

from django.db import migrations

NEW_EVENTS = ("employer_signin_link",)


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("employers", "0003_signin_link"), ("notifications", "0013_merge_dropbox_and_opening_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
