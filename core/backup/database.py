"""Dump and load the database `default`: SQLite through its online backup API, PostgreSQL
through pg_dump -Fc / pg_restore (the client tools of the server's major version)."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """A backup or restore step that cannot go on; the message says why."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"unsupported database engine: {vendor}")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def database_dump(target: Path) -> None:
    if engine() == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup API cannot copy from a connection that is writing: it would
            # wait forever. The command never runs inside a transaction.
            raise BackupError("cannot back up SQLite from inside a transaction")
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
        return
    args, env = _pg_env()
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def database_load(source: Path) -> None:
    """Load a dump into the configured database, which must be empty."""
    if not database_is_empty():
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty: "
            "restore only into an empty database"
        )
    if engine() == "sqlite":
        src = sqlite3.connect(source)
        connection.ensure_connection()
        try:
            src.backup(connection.connection)
        finally:
            src.close()
        connection.close()
        return
    args, env = _pg_env()
    connection.close()
    result = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
