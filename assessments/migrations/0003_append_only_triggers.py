"""On PostgreSQL, refuse UPDATE and DELETE on the append-only assessment records in the
database itself (decisions, evidence, judgements, appeals, audit). No-op on SQLite, where
the model layer alone guards them.

The SQL is frozen here, as it was when this migration was written: a migration must not
import application code that may change after it has run (assessments/db_guards.py holds
the current definition, used to install the same guard on other tables later)."""

from django.db import migrations

TABLES = (
    "assessments_decision",
    "assessments_evidencerecord",
    "assessments_evidenceline",
    "assessments_judgement",
    "assessments_appeal",
    "assessments_appealassignment",
    "assessments_appealoutcome",
    "assessments_auditentry",
)

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION assessments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION_SQL, params=None)  # the SQL has literal % signs
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION assessments_refuse_change();"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_initial")]

    operations = [migrations.RunPython(install, remove)]
