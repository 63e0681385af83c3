"""Database-level guard for append-only tables (PostgreSQL only): a trigger refuses UPDATE
and DELETE. Migration assessments/0003 installed it on the assessment tables with its own
frozen copy of this SQL (core/0002 renamed the audit table's trigger when the audit log moved
to core); a later migration that adds an append-only table freezes its own copy too.
Tests use these functions to install the guard on a test database built without migrations.

On other databases (SQLite in development and tests) the functions do nothing; the model
layer (core/append_only.py) still refuses updates and deletes."""

APPEND_ONLY_TABLES = (
    "assessments_evidenceattachment",
    "assessments_decision",
    "assessments_evidencerecord",
    "assessments_evidenceline",
    "assessments_judgement",
    "assessments_judgementline",
    "assessments_appeal",
    "assessments_appealassignment",
    "assessments_appealoutcome",
    "assessments_moderation",
    "content_instrumentvalidation",
    "core_auditentry",
)

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION assessments_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def trigger_sql(table: str) -> str:
    return (
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";'
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION assessments_refuse_change();"
    )


def install_append_only_triggers(connection, tables=APPEND_ONLY_TABLES) -> bool:
    """Create the triggers; returns False (and does nothing) on other databases."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in tables:
            cursor.execute(trigger_sql(table))
    return True


# TRUNCATE is deliberately not guarded: test runners and `flush` empty tables that way.


def remove_append_only_triggers(connection, tables=APPEND_ONLY_TABLES) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        cursor.execute("DROP FUNCTION IF EXISTS assessments_refuse_change();")
    return True
