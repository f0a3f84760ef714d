"""The default rejection reasons and the first tax rule (PP 68/2009)."""

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    from lapakasik.benefits.policy import PP_68_2009
    from lapakasik.benefits.reasons import DEFAULTS

    reason = apps.get_model("benefits", "DecisionReason")
    for row in DEFAULTS:
        reason.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    apps.get_model("benefits", "TaxRule").objects.get_or_create(
        valid_from=datetime.date(2009, 12, 3), defaults={
            "threshold": PP_68_2009.threshold, "rate_bp": PP_68_2009.rate_bp,
            "no_npwp_rate_bp": PP_68_2009.no_npwp_rate_bp, "legal_basis": "PP 68/2009"})


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
