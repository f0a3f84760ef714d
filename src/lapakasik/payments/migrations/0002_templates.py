"""Ship the notification templates of payment: the bank account to correct, the overdue list."""

from django.db import migrations

NEW_EVENTS = ("bank_account_invalid", "payment_overdue")


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] in NEW_EVENTS:
            keys = {k: row[k] for k in ("event", "channel", "language")}
            Template.objects.get_or_create(**keys, defaults={k: v for k, v in row.items() if k not in keys})


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("notifications", "0008_casework_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
