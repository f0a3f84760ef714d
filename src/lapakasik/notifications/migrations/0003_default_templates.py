"""Ship the default templates (Indonesian and English) for every event × channel."""

from django.db import migrations


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        keys = {k: row[k] for k in ("event", "channel", "language")}
        values = {k: v for k, v in row.items() if k not in keys}
        Template.objects.get_or_create(**keys, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_phonecall_ratecounter_simulatedmessage_and_more")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
