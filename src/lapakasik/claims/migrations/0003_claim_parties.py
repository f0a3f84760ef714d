"""Identity and contact move from Claim to its applicant party (ClaimParty); the claim keeps the
insured worker's NIK/KPJ and gets the one-open-claim-per-insured-and-type rule."""

import django.db.models.deletion
from django.db import migrations, models

TERMINAL = ["CANCELLED", "EXPIRED", "PAID", "REJECTED"]
ROLES = ["participant", "heir", "employer_officer"]


def parties_from_claims(apps, schema_editor):  # type: ignore[no-untyped-def]
    Claim = apps.get_model("claims", "Claim")
    ClaimParty = apps.get_model("claims", "ClaimParty")
    rows = [ClaimParty(claim_id=c.pk, role="participant", is_applicant=True, nik=c.insured_nik, kpj=c.insured_kpj,
                       full_name=c.full_name, email=c.email, phone=c.phone, language=c.language or "id",
                       channels=c.channels or ["email"])
            for c in Claim.objects.all().iterator()]
    ClaimParty.objects.bulk_create(rows, batch_size=500)


def claims_from_parties(apps, schema_editor):  # type: ignore[no-untyped-def]
    Claim = apps.get_model("claims", "Claim")
    ClaimParty = apps.get_model("claims", "ClaimParty")
    for p in ClaimParty.objects.filter(is_applicant=True).iterator():
        Claim.objects.filter(pk=p.claim_id).update(full_name=p.full_name, email=p.email, phone=p.phone,
                                                   language=p.language, channels=p.channels)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0002_claim_event_kind_choices"),
        # notifications copies each row's contact from the claim before the claim's columns go
        ("notifications", "0006_notification_contact"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimParty",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(choices=[("participant", "Peserta (mengajukan sendiri)"),
                                                   ("heir", "Ahli waris"),
                                                   ("employer_officer", "Petugas perusahaan")], max_length=20)),
                ("is_applicant", models.BooleanField(default=False)),
                ("nik", models.CharField(blank=True, max_length=16)),
                ("kpj", models.CharField(blank=True, max_length=11)),
                ("npp", models.CharField(blank=True, help_text="Nomor pendaftaran perusahaan", max_length=16)),
                ("full_name", models.CharField(max_length=150)),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("phone", models.CharField(blank=True, help_text="E.164", max_length=20)),
                ("language", models.CharField(choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id",
                                              max_length=2)),
                ("channels", models.JSONField(default=list, help_text="Kanal notifikasi pilihan, urut prioritas")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("claim", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="parties",
                                            to="claims.claim")),
            ],
            options={
                "verbose_name": "pihak klaim",
                "verbose_name_plural": "pihak klaim",
                "ordering": ["claim_id", "-is_applicant", "id"],
                "indexes": [models.Index(fields=["phone"], name="claim_party_phone_idx"),
                            models.Index(fields=["email"], name="claim_party_email_idx"),
                            models.Index(fields=["nik"], name="claim_party_nik_idx")],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("is_applicant", True)), fields=("claim",),
                                            name="claim_party_one_applicant"),
                    models.CheckConstraint(condition=models.Q(models.Q(("email", ""), _negated=True),
                                                              models.Q(("phone", ""), _negated=True), _connector="OR"),
                                           name="claim_party_has_contact"),
                    models.CheckConstraint(condition=models.Q(("role__in", ROLES)), name="claim_party_role_known"),
                ],
            },
        ),
        migrations.AddField(
            model_name="claim", name="opened_via",
            field=models.CharField(default="booking", help_text="Jalur pembukaan klaim: booking, employer_report, "
                                   "dropbox, …", max_length=24),
        ),
        migrations.RemoveIndex(model_name="claim", name="claims_clai_nik_e05e62_idx"),
        migrations.RemoveIndex(model_name="claim", name="claims_clai_phone_3338a8_idx"),
        migrations.RemoveIndex(model_name="claim", name="claims_clai_email_6f1e90_idx"),
        migrations.RenameField(model_name="claim", old_name="nik", new_name="insured_nik"),
        migrations.RenameField(model_name="claim", old_name="kpj", new_name="insured_kpj"),
        migrations.AlterField(
            model_name="claim", name="insured_nik",
            field=models.CharField(help_text="NIK peserta yang diasuransikan", max_length=16),
        ),
        migrations.AlterField(
            model_name="claim", name="insured_kpj",
            field=models.CharField(blank=True, help_text="KPJ peserta yang diasuransikan", max_length=11),
        ),
        migrations.RunPython(parties_from_claims, claims_from_parties),
        # Defaults only so that migrating back can re-add the columns before the rows are refilled.
        migrations.AlterField(model_name="claim", name="full_name", field=models.CharField(default="", max_length=150)),
        migrations.AlterField(model_name="claim", name="email", field=models.EmailField(default="", max_length=254)),
        migrations.AlterField(model_name="claim", name="phone",
                              field=models.CharField(default="", help_text="E.164", max_length=20)),
        migrations.RemoveField(model_name="claim", name="full_name"),
        migrations.RemoveField(model_name="claim", name="email"),
        migrations.RemoveField(model_name="claim", name="phone"),
        migrations.RemoveField(model_name="claim", name="language"),
        migrations.RemoveField(model_name="claim", name="channels"),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["insured_nik", "claim_type"], name="claim_insured_type_idx"),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(condition=models.Q(("state__in", TERMINAL), _negated=True),
                                               fields=("insured_nik", "claim_type"),
                                               name="claim_one_open_per_insured_type"),
        ),
    ]
