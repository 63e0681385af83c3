"""Run manage.py as the shipped units do: a separate process, production settings, the
environment an EnvironmentFile would give, pointed at a database and storage of the test's."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for the test database (or another database `name` on its server)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or s['NAME']}"
    auth = quote(s.get("USER") or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{name or s['NAME']}"


def unit_env(*, db_url: str, private: Path, media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=db_url,
        DJANGO_PRIVATE_MEDIA_ROOT=str(private),
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def run(argv: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([PYTHON, str(ROOT / "manage.py"), *args], env)
