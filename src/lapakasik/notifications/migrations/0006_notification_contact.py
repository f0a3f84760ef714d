"""Each row carries its recipient's contact (e-mail, phone, channels, name): the fallback to another
channel and the rendering no longer read the claim's identity fields."""

from django.db import migrations, models


def contact_from_claims(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.filter(claim__isnull=False).select_related("claim").iterator():
        c = row.claim
        Notification.objects.filter(pk=row.pk).update(contact={
            "name": c.full_name, "email": c.email, "phone": c.phone, "channels": list(c.channels or [])})


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0005_drop_state_alias_templates"),
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="contact",
            field=models.JSONField(blank=True, default=dict,
                                   help_text="the recipient's name, e-mail, phone and channels (for the fallback)"),
        ),
        migrations.RunPython(contact_from_claims, migrations.RunPython.noop),
    ]
