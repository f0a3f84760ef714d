"""Ship the templates for mail from unverified senders (the generic reply and the participant's notice)
and give the acknowledgement a subject that says what happened. Stored acknowledgement texts an admin
has edited are left alone; the shipped ones are replaced."""

from django.db import migrations

OLD_ACK = {
    "id": {"subject": "Dokumen klaim {{ claim_code }} kami terima",
           "short_start": "Dokumen klaim {{ claim_code }} diterima. "},
    "en": {"subject": "Documents for claim {{ claim_code }} received",
           "short_start": "Documents for claim {{ claim_code }} received. "},
}
NEW_EVENTS = ("intake_unverified_reply", "intake_held_notice")


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        keys = {k: row[k] for k in ("event", "channel", "language")}
        values = {k: v for k, v in row.items() if k not in keys}
        if row["event"] in NEW_EVENTS:
            Template.objects.get_or_create(**keys, defaults=values)
        elif row["event"] == "intake_ack" and row["language"] in OLD_ACK:
            old = OLD_ACK[row["language"]]
            stored = Template.objects.filter(**keys).first()
            if stored is None:
                continue
            changed = []
            if row["channel"] == "email" and stored.subject == old["subject"]:
                stored.subject = values["subject"]
                changed.append("subject")
            tail = values["body"].partition("}}. ")[2]  # the unchanged rest of the SMS text
            if row["channel"] == "sms" and tail and stored.body == old["short_start"] + tail:
                stored.body = values["body"]
                changed.append("body")
            if changed:
                stored.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_notification_contact")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
