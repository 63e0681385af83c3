"""The default retention rules, one per kind of record (frozen here: migrations never import
application code), and on PostgreSQL the append-only trigger on the acknowledgements table
(a frozen copy of core/db_guards.py's SQL)."""

from django.db import migrations

DEFAULTS = {
    "notifications": (12, "purge"),
    "email": (6, "purge"),
    "drafts": (3, "purge"),
    "lesson_progress": (36, "purge"),
    "training": (84, "purge"),
    "evidence": (84, "anonymise"),
    "decisions": (84, "anonymise"),
    "certificates": (360, "keep"),
    "account": (24, "anonymise"),
}

TABLE = "privacy_privacyacknowledgement"
TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION assessments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";
CREATE TRIGGER "{TABLE}_append_only" BEFORE UPDATE OR DELETE ON "{TABLE}"
FOR EACH ROW EXECUTE FUNCTION assessments_refuse_change();
"""


def seed(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for kind, (months, action) in DEFAULTS.items():
        rule.objects.get_or_create(kind=kind, defaults={"months": months, "action": action})


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(kind__in=DEFAULTS).delete()


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{TABLE}_append_only" ON "{TABLE}";')


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(guard, unguard),
    ]
