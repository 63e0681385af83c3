"""Fast, deterministic settings for the test suite."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, STORAGES  # noqa: E402

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Django's test set-up replaces EMAIL_BACKEND with locmem; tests of the outbox put
# core.mail.OutboxBackend back (tests/core). Deliveries are sent to locmem too.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
AXES_ENABLED = True
PRIVACY_NOTICE_REQUIRED = False  # tests/privacy switch it on with the settings fixture
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# A file-backed test database, one per test process. An in-memory SQLite database would be
# shared by every thread through one connection (pytest-django's live_server does that), so
# two requests a browser makes at once would interleave their savepoints on it. With a file,
# each thread of the live server opens its own connection and SQLite's locking serialises
# them, as it does in production. Durability is not needed here, so skip the fsyncs.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile

    # The live server answers each request on a new thread: no connection to keep.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"loyalty-test-{os.getpid()}.sqlite3"),
    }
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"]["OPTIONS"],  # noqa: F405
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
    }
