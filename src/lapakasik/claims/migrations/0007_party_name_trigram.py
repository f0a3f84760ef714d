"""On PostgreSQL, a trigram index on the applicant's name, so the officers' search by name ("contains",
any case) reads the index instead of every party of every claim (500 ms → 1 ms at 100,000 claims). pg_trgm
is a trusted extension (PostgreSQL 13+: the database owner may create it); where it cannot be created the
search still works, only slower, and the migration says so. SQLite needs nothing: it scans a branch's
open claims."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - not allowed here: the search stays a scan
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print(f"\n  pg_trgm not available ({exc.__class__.__name__}); name search will scan")
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS claim_party_name_trgm ON claims_claimparty "
                       "USING gin ((UPPER(full_name::text)) gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_party_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_queue_order")]
    operations = [migrations.RunPython(forwards, backwards)]
