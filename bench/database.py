"""The bench runs on a copy of the demo database, so that what it writes (autosaves, scenario
moves, bench sessions) never changes the demo. SQLite: the file copied with SQLite's backup
API (safe beside a running server). PostgreSQL: `CREATE DATABASE ... TEMPLATE` of the demo
database, dropped afterwards. Call `use_copy()` before `django.setup()`."""

import atexit
import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'db.sqlite3'}"


def _sqlite_copy(url: str) -> str:
    source = Path(urlsplit(url).path)
    if not source.exists():
        raise SystemExit(f"no demo database at {source}: run make db first")
    target = source.with_name("bench.sqlite3")
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def _postgres_copy(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    copy = f"{name}_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        # A template must have no other sessions: the demo server's idle ones are ended.
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [copy],
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{copy}"')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{copy}"))


def use_copy() -> str:
    """Point DATABASE_URL at a fresh copy of the demo database; returns the demo's URL."""
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    scheme = urlsplit(url).scheme
    if scheme.startswith("sqlite"):
        os.environ["DATABASE_URL"] = _sqlite_copy(url)
    elif scheme.startswith("postgres"):
        os.environ["DATABASE_URL"] = _postgres_copy(url)
    else:
        raise SystemExit(f"the bench knows SQLite and PostgreSQL, not {scheme}")
    return url
