""""Unggah gagal" for a region that serves online only: the subject no longer says "kirim dokumen lewat dropbox",
the nearest dropbox is one of the participant's own region, and the help page is linked. Stored texts an admin
has edited are left alone; the shipped ones are replaced."""

from django.db import migrations

EVENT = "upload_failed"
OLD_SUBJECT = {"id": "Klaim {{ claim_code }}: kirim dokumen lewat dropbox",
               "en": "Claim {{ claim_code }}: send your documents through the dropbox"}
# (new fragment, the fragment it replaced) in the long texts (e-mail, WhatsApp, phone script)
OLD_FRAGMENTS = {
    "id": [("Dropbox terdekat di wilayah Anda: ", "Dropbox terdekat: "),
           ("Bantuan: {% if help_url %}{{ help_url }} atau {% endif %}contact center", "Bantuan: contact center")],
    "en": [("Nearest dropbox in your region: ", "Nearest dropbox: "),
           ("Help: {% if help_url %}{{ help_url }} or {% endif %}contact centre", "Help: contact centre")],
}


def _previous(body: str, language: str) -> str:
    for new, old in OLD_FRAGMENTS.get(language, []):
        body = body.replace(new, old)
    return body


def install(apps, schema_editor):
    from lapakasik.notifications.defaults import default_rows

    Template = apps.get_model("notifications", "NotificationTemplate")
    for row in default_rows():
        if row["event"] != EVENT:
            continue
        keys = {k: row[k] for k in ("event", "channel", "language")}
        stored = Template.objects.filter(**keys).first()
        if stored is None:
            continue
        changed = []
        if row["channel"] == "email" and stored.subject == OLD_SUBJECT.get(row["language"]):
            stored.subject = row["subject"]
            changed.append("subject")
        if stored.body != row["body"] and stored.body == _previous(row["body"], row["language"]):
            stored.body = row["body"]
            changed.append("body")
        if changed:
            stored.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_casework_templates")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
