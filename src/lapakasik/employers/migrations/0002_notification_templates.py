"""Ship the templates of the employer side: the HR officer's invitation, the worker told that their
employer started a JKK claim, the stage II reminder, and the branch told of a late report."""

from django.db import migrations

NEW_EVENTS = ("employer_invitation", "jkk_claim_started", "jkk_stage2_reminder", "jkk_report_late")


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial"), ("notifications", "0011_waitlist_joined_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
