"""Bring the database DATABASE_URL names up to date; `make` runs this on every set-up.

    .venv/bin/python scripts/ensure_database.py                  # migrate + roles
    .venv/bin/python scripts/ensure_database.py --demo --stamps var/.stamps FILE... [--accounts]

Stamps alone cannot tell one database from another (a stamp said "migrated" while
DATABASE_URL named a new, empty database), so this asks the database itself, in one Django
start (the checks take a few queries; Django's start-up is most of the time):

1. apply migrations when any is unapplied (the plan `migrate --check` looks at);
2. sync the role groups (`sync_roles`: idempotent, a few queries);
3. with --demo, load the demo (`load_demo`)
   - when it is missing from this database (`load_demo --if-missing`, checked every run),
   - when migrations were applied just now, or
   - when a FILE is newer than the last load into this database, recorded in
     STAMPS/demo-<key>, key = a hash of the database's engine, host, port and name;
4. with --accounts, print the demo accounts (`demo_accounts`; `make demo` saves a start).
"""

import argparse
import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_label(db: Mapping) -> str:
    """A human name for the database, without the password."""
    engine = str(db.get("ENGINE", "")).rsplit(".", 1)[-1]
    name = str(db.get("NAME") or "")
    if engine == "sqlite3":
        return f"sqlite3 {name}"
    user = f"{db['USER']}@" if db.get("USER") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{engine} {user}{db.get('HOST') or 'localhost'}{port}/{name}"


def database_key(db: Mapping) -> str:
    """Stable per database, whatever spelling of DATABASE_URL names it: engine, host, port
    and name (a SQLite file by its absolute path); never the password."""
    engine = str(db.get("ENGINE", ""))
    name = str(db.get("NAME") or "")
    if engine.endswith("sqlite3") and name and name != ":memory:":
        name = os.path.abspath(name)
    parts = (engine, str(db.get("HOST") or ""), str(db.get("PORT") or ""), name)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def demo_files_changed(stamp: Path, inputs: Iterable[Path]) -> str | None:
    """Why the demo files need loading again into the database `stamp` stands for, or None:
    no load recorded yet, or an input newer than the recorded one."""
    if not stamp.exists():
        return "no load recorded for this database"
    loaded_at = stamp.stat().st_mtime
    newer = sorted(str(p) for p in inputs if p.exists() and p.stat().st_mtime > loaded_at)
    if newer:
        more = f" and {len(newer) - 1} more" if len(newer) > 1 else ""
        return f"{newer[0]}{more} changed since the last load"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="also make sure the demo is loaded")
    parser.add_argument(
        "--stamps", type=Path, default=ROOT / "var" / ".stamps", help="where demo loads are noted"
    )
    parser.add_argument("inputs", nargs="*", type=Path, help="demo input files (with --demo)")
    parser.add_argument("--accounts", action="store_true", help="print the demo accounts")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    label = database_label(db)
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
    except OperationalError as error:
        print(f"Cannot open the database {label} (DATABASE_URL): {error}", file=sys.stderr)
        return 1

    # 1. Migrations: the same plan `migrate --check` looks at.
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        print(f"Database {label}: applying {len(plan)} migration(s).")
        call_command("migrate", interactive=False, verbosity=0)

    # 2. Roles: idempotent and cheap, so every run (not only after a migrate).
    from people.services import roles_sync

    groups = roles_sync()
    if plan:
        print(f"Roles up to date: {', '.join(sorted(groups))}")

    # 3. The demo.
    if args.demo:
        stamp = args.stamps / f"demo-{database_key(db)}"
        reason = "migrations were applied" if plan else demo_files_changed(stamp, args.inputs)
        if reason:
            print(f"Loading the demo into {label} ({reason}).")
            call_command("load_demo")
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(f"{label}\n", encoding="utf-8")
        else:
            call_command("load_demo", if_missing=True)
    if args.accounts:
        call_command("demo_accounts")
    connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
