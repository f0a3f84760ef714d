"""Ship the default requirement catalogue (domain brief, 2020 rules). Existing rows are left alone."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from lapakasik.intake.catalogue import catalogue_seed

    catalogue_seed(apps.get_model("intake", "Requirement"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_requirement_unconditional_reasons")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
