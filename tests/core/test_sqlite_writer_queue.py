"""core/db/sqlite3: on SQLite, write transactions queue on a file lock beside the database.
A second writer waits for the first to commit or roll back (never "database is locked"),
then goes ahead at once; both writes are kept."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

from people.models import User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own backend"),
]


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_sqlite_uses_the_queued_backend():
    assert type(connections["default"]).__module__ == "core.db.sqlite3.base"


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_a_second_writer_waits_for_the_first_then_writes(first_ends):
    holding = threading.Event()
    release = threading.Event()
    second_done = threading.Event()

    def first():
        try:
            with transaction.atomic():
                User.objects.create(username="first-writer")
                holding.set()
                assert release.wait(10)
                if first_ends == "rollback":
                    raise RuntimeError("the first writer gives up")
        except RuntimeError:
            pass

    def second():
        assert holding.wait(10)
        with transaction.atomic():
            User.objects.create(username="second-writer")
        second_done.set()

    one, errors_one = _in_thread(first)
    two, errors_two = _in_thread(second)
    assert holding.wait(10)
    time.sleep(0.3)
    assert not second_done.is_set(), "the second writer went ahead while the first held it"
    lock_file = os.open(f"{connections['default'].settings_dict['NAME']}.writers", os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):  # the queue's lock is the one held
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(lock_file)
    release.set()
    one.join(10)
    two.join(10)
    assert not errors_one and not errors_two, errors_one + errors_two
    assert second_done.is_set()
    kept = set(User.objects.filter(username__endswith="-writer").values_list("username", flat=True))
    assert kept == (
        {"first-writer", "second-writer"} if first_ends == "commit" else {"second-writer"}
    )
