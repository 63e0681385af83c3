"""Development and `make demo`: DEBUG on unless told otherwise, a fixed local key."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import SECRET_KEY as _KEY  # noqa: E402

SECRET_KEY = _KEY or "dev-only-insecure-key-not-for-production"  # noqa: S105

(BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405 - the default SQLite file lives here
