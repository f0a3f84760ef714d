"""The booking keeps only the seat (the one-open-claim rule moved to the claim); a waitlist entry stores
its applicant as one JSON value instead of copied identity columns."""

from django.db import migrations, models

FIELDS = ("kpj", "full_name", "email", "phone", "language", "channels")


def applicant_from_columns(apps, schema_editor):  # type: ignore[no-untyped-def]
    WaitlistEntry = apps.get_model("booking", "WaitlistEntry")
    for e in WaitlistEntry.objects.all().iterator():
        WaitlistEntry.objects.filter(pk=e.pk).update(applicant={
            "role": "participant", "nik": e.nik, "kpj": e.kpj, "npp": "", "full_name": e.full_name,
            "email": e.email, "phone": e.phone, "language": e.language or "id",
            "channels": list(e.channels or ["email"])})


def columns_from_applicant(apps, schema_editor):  # type: ignore[no-untyped-def]
    WaitlistEntry = apps.get_model("booking", "WaitlistEntry")
    for e in WaitlistEntry.objects.all().iterator():
        a = e.applicant or {}
        WaitlistEntry.objects.filter(pk=e.pk).update(**{f: a.get(f, [] if f == "channels" else "") for f in FIELDS})


def booking_columns_from_claims(apps, schema_editor):  # type: ignore[no-untyped-def]
    Booking = apps.get_model("booking", "Booking")
    for b in Booking.objects.select_related("claim").iterator():
        Booking.objects.filter(pk=b.pk).update(nik=b.claim.insured_nik, claim_type=b.claim.claim_type)


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0002_one_time_code_table"),
        ("claims", "0003_claim_parties"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="booking", name="booking_one_active_per_nik_type"),
        # Defaults (and the reverse fill) only so that migrating back can re-add the columns.
        migrations.AlterField(model_name="booking", name="nik", field=models.CharField(default="", max_length=16)),
        migrations.AlterField(model_name="booking", name="claim_type", field=models.CharField(default="", max_length=3)),
        migrations.RunPython(migrations.RunPython.noop, booking_columns_from_claims),
        migrations.RemoveField(model_name="booking", name="claim_type"),
        migrations.RemoveField(model_name="booking", name="nik"),
        migrations.AddField(
            model_name="waitlistentry",
            name="applicant",
            field=models.JSONField(default=dict, help_text="Pemohon (claims.parties.Applicant)"),
        ),
        migrations.RunPython(applicant_from_columns, columns_from_applicant),
        migrations.AlterField(model_name="waitlistentry", name="kpj", field=models.CharField(default="", max_length=11)),
        migrations.AlterField(model_name="waitlistentry", name="full_name",
                              field=models.CharField(default="", max_length=150)),
        migrations.AlterField(model_name="waitlistentry", name="email",
                              field=models.EmailField(default="", max_length=254)),
        migrations.AlterField(model_name="waitlistentry", name="phone", field=models.CharField(default="", max_length=20)),
        *(migrations.RemoveField(model_name="waitlistentry", name=f) for f in FIELDS),
        migrations.AlterField(
            model_name="waitlistentry",
            name="nik",
            field=models.CharField(help_text="NIK peserta (kunci aturan satu antrean per sesi)", max_length=16),
        ),
    ]
