"""Intake's scheduling and de-duplication marks move from history events to their own row; the marks
of existing claims are copied from the events that held them."""

import django.db.models.deletion
from django.db import migrations, models


def copy_marks_from_history(apps, schema_editor):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.conf import settings

    ClaimEvent = apps.get_model("claims", "ClaimEvent")
    IntakeProgress = apps.get_model("intake", "IntakeProgress")
    delay = timedelta(seconds=int(getattr(settings, "INTAKE_ACK_DELAY_SECONDS", 60)))
    marks: dict[int, dict[str, object]] = {}
    kinds = ["intake_ack_scheduled", "intake_ack_sent", "documents_reminder_sent"]
    rows = ClaimEvent.objects.filter(kind__in=kinds).order_by("claim_id", "seq").values_list(
        "claim_id", "kind", "created_at")
    for claim_id, kind, at in rows.iterator():
        mark = marks.setdefault(claim_id, {})
        if kind == "intake_ack_scheduled":
            mark["ack_due_at"] = at + delay
        elif kind == "intake_ack_sent":
            mark["ack_due_at"], mark["ack_sent_at"] = None, at
        else:
            mark["documents_reminded_at"] = at
    IntakeProgress.objects.bulk_create([IntakeProgress(claim_id=k, **v) for k, v in marks.items()],
                                       batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0001_initial'),
        ('intake', '0003_seed_catalogue'),
    ]

    operations = [
        migrations.CreateModel(
            name='IntakeProgress',
            fields=[
                ('claim', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='intake_progress', serialize=False, to='claims.claim')),
                ('ack_due_at', models.DateTimeField(blank=True, help_text='Tanda terima unggahan web dijadwalkan (belum terkirim)', null=True)),
                ('ack_sent_at', models.DateTimeField(blank=True, help_text='Tanda terima unggahan web terakhir', null=True)),
                ('documents_reminded_at', models.DateTimeField(blank=True, help_text='Pengingat dokumen dikirim', null=True)),
            ],
            options={
                'verbose_name': 'kemajuan unggah',
                'verbose_name_plural': 'kemajuan unggah',
            },
        ),
        migrations.RunPython(copy_marks_from_history, migrations.RunPython.noop),
    ]
