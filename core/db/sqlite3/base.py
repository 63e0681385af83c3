"""Django's SQLite backend, with write transactions queued by the kernel.

Every write transaction here begins with BEGIN IMMEDIATE (settings: transaction_mode), so a
second writer finds the database locked. SQLite then makes it wait in its busy handler,
which sleeps 1, 2, 5, 10, ... ms between tries: with two app processes writing, a writer
often slept for longer than the other's whole transaction took, and half the CPU idled.
Here each outermost transaction first takes an exclusive flock(2) on a file beside the
database (`<name>.writers`), released at COMMIT or ROLLBACK; the kernel wakes the next
writer the moment the lock is free. SQLite's own locking is unchanged underneath, so
processes that do not take the file lock (the sqlite3 shell, a backup) stay correct: they
only wait the old way. Set OPTIONS "queue_writers": False to do without it.

A writer waits in the queue for as long as the one before it holds the lock, where SQLite
alone gave up after its timeout (20 s here) with "database is locked". A transaction that
long (a migration, the demo loader) holds up the web's writes either way; under gunicorn
its worker timeout still bounds a request."""

import contextlib
import fcntl
import os

from django.db.backends.sqlite3 import base, creation


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        super()._destroy_test_db(test_database_name, verbosity)
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):  # the queue's file goes with it
                os.remove(f"{test_database_name}.writers")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writers_fd: int | None = None
        self._holds_writers_lock = False

    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop("queue_writers", None)
        return params

    def _queues_writers(self) -> bool:
        return self.settings_dict["OPTIONS"].get("queue_writers", True) and not (
            self.is_in_memory_db()
        )

    def _start_transaction_under_autocommit(self):
        if self._queues_writers() and not self._holds_writers_lock:
            if self._writers_fd is None:
                path = f"{self.settings_dict['NAME']}.writers"
                self._writers_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._writers_fd, fcntl.LOCK_EX)
            self._holds_writers_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _release_writers_lock(self) -> None:
        if self._holds_writers_lock:
            self._holds_writers_lock = False
            fcntl.flock(self._writers_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writers_lock()
            if self._writers_fd is not None:
                os.close(self._writers_fd)
                self._writers_fd = None
