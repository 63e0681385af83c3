"""The search backend's full-text table for a schema built without migrations."""

from django.db import connection
from wagtail.search.models import IndexEntry


def sqlite_full_text_table() -> None:
    """The suite builds its schema without migrations, so on SQLite the search backend's
    full-text table is a plain table (MATCH fails) with no triggers filling it. Make it what
    Wagtail's search migration makes: an FTS5 table kept in step by triggers."""
    if connection.vendor != "sqlite":
        return
    table = IndexEntry._meta.db_table
    fts = f"{table}_fts"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts])
        row = cursor.fetchone()
        if row is None or "VIRTUAL" not in row[0].upper():
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")
            cursor.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(autocomplete, body, title)")
            cursor.execute(
                f"INSERT INTO {fts}(rowid, title, body, autocomplete) "  # noqa: S608
                f"SELECT id, title, body, autocomplete FROM {table}"
            )
            for name, event, action in [
                (
                    "insert",
                    "INSERT",
                    f"INSERT INTO {fts}(title, body, autocomplete, rowid) "  # noqa: S608
                    "VALUES (NEW.title, NEW.body, NEW.autocomplete, NEW.id)",
                ),
                (
                    "update",
                    "UPDATE",
                    f"UPDATE {fts} SET title=NEW.title, body=NEW.body, "  # noqa: S608
                    "autocomplete=NEW.autocomplete WHERE rowid=NEW.id",
                ),
                ("delete", "DELETE", f"DELETE FROM {fts} WHERE rowid=OLD.id"),  # noqa: S608
            ]:
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name}_modelsearch_indexentry_fts "
                    f"AFTER {event} ON {table} BEGIN {action}; END"
                )
