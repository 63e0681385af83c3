"""The set-up's database step (scripts/ensure_database.py, `make db`, part of every set-up) and
`load_demo --if-missing`: whatever DATABASE_URL names, that database is checked."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from demo.management.commands.load_demo import demo_missing
from scripts import ensure_database

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/a.sqlite3"}
POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "academy",
    "USER": "postgres",
    "PASSWORD": "secret",
    "HOST": "127.0.0.1",
    "PORT": 5432,
}


def test_each_database_has_its_own_key():
    keys = {
        ensure_database.database_key(db)
        for db in (
            SQLITE,
            {**SQLITE, "NAME": "/tmp/b.sqlite3"},
            POSTGRES,
            {**POSTGRES, "NAME": "other"},
            {**POSTGRES, "HOST": "db.example.test"},
            {**POSTGRES, "PORT": 5433},
        )
    }
    assert len(keys) == 6


def test_the_key_ignores_the_password_and_the_spelling_of_a_sqlite_path(tmp_path, monkeypatch):
    assert ensure_database.database_key(POSTGRES) == ensure_database.database_key(
        {**POSTGRES, "PASSWORD": "changed"}
    )
    monkeypatch.chdir(tmp_path)
    relative = {**SQLITE, "NAME": "var/db.sqlite3"}
    absolute = {**SQLITE, "NAME": str(tmp_path / "var" / "db.sqlite3")}
    assert ensure_database.database_key(relative) == ensure_database.database_key(absolute)


def test_labels_never_show_the_password():
    label = ensure_database.database_label(POSTGRES)
    assert label == "postgresql postgres@127.0.0.1:5432/academy"
    assert ensure_database.database_label(SQLITE) == "sqlite3 /tmp/a.sqlite3"


def test_demo_files_changed(tmp_path):
    stamp = tmp_path / "demo-abc"
    data = tmp_path / "course.yaml"
    data.write_text("x")
    assert ensure_database.demo_files_changed(stamp, [data]) == (
        "no load recorded for this database"
    )
    stamp.write_text("loaded")
    past = time.time() - 60
    os.utime(data, (past, past))
    assert ensure_database.demo_files_changed(stamp, [data, tmp_path / "gone.py"]) is None
    os.utime(data, None)
    os.utime(stamp, (past, past))
    assert ensure_database.demo_files_changed(stamp, [data]) == (
        f"{data} changed since the last load"
    )


@pytest.mark.django_db
def test_if_missing_names_what_is_missing_and_loads(monkeypatch):
    from demo import accounts

    assert demo_missing().startswith("demo accounts missing: admin, assessor")
    accounts.load()
    assert demo_missing().startswith("no live course")

    loaded = []
    monkeypatch.setattr(
        "demo.management.commands.load_demo.LOADERS", ("content.demo.unit",), raising=True
    )
    monkeypatch.setattr("content.demo.unit.load", lambda: loaded.append("unit"))
    out = StringIO()
    call_command("load_demo", if_missing=True, stdout=out)
    assert "Loading the demo (no live course" in out.getvalue()
    assert loaded == ["unit"]


@pytest.mark.django_db
def test_if_missing_does_nothing_when_the_demo_is_there(monkeypatch):
    monkeypatch.setattr("demo.management.commands.load_demo.demo_missing", lambda: None)
    monkeypatch.setattr(
        "demo.management.commands.load_demo.accounts.load",
        lambda: pytest.fail("loaded although present"),
    )
    out = StringIO()
    call_command("load_demo", if_missing=True, stdout=out)
    assert out.getvalue() == ""
