"""`make bench`: throughput of chosen pages, measured against a trivial view in the same run.

Starts gunicorn (2 sync workers) on the demo database, drives each URL with wrk (bounded:
one thread, 4 connections, a few seconds, 127.0.0.1 only) and prints requests/s, p50, p99
and the ratio to the trivial "ok" view. Pages that need a signed-in user get a session cookie
made directly in the database. Further benchmarks (certificate rendering) run after it.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from people.models import User  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "5s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "4")


def session_cookie(username: str) -> str | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def targets() -> list[tuple[str, str, str | None]]:
    """(label, path, username) for every page we track. Later features add theirs here."""
    found = [
        ("trivial view (/healthz/)", "/healthz/", None),
        ("home page", "/", None),
        ("my learning dashboard", "/learn/", "trainee1"),
    ]
    try:
        from content.pages.lesson import LessonPage

        lesson = LessonPage.objects.live().order_by("path").first()
        if lesson is not None:
            found.append(("lesson page", lesson.url, "trainee1"))
    except ImportError:
        pass
    found.append(("assessor dashboard", "/assess/", "assessor"))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}")


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def check_ok(url: str, cookie: str | None) -> None:
    """Measure only pages that answer 200: a redirect to the log-in page would be fast and
    meaningless."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path, headers={"Cookie": cookie} if cookie else {})
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: fix the bench set-up first")


def run_wrk(url: str, cookie: str | None) -> dict:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"50%\s+(\S+)", output).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    # DEBUG is off, as in production: static files come from the collected manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--env",
            "DJANGO_SETTINGS_MODULE=config.settings.dev",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base + "/healthz/")
        rows = []
        for label, path, username in targets():
            cookie = session_cookie(username) if username else None
            if username and cookie is None:
                continue
            check_ok(base + path, cookie)
            rows.append((label, path, run_wrk(base + path, cookie)))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    baseline = rows[0][2]["rps"]
    print(
        f"\ngunicorn 2 sync workers, wrk -t1 -c{CONNECTIONS} -d{DURATION}, SQLite demo database\n"
    )
    print(
        f"{'page':<32} {'path':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs ok':>7} {'non-2xx':>8}"
    )
    for label, path, result in rows:
        print(
            f"{label:<32} {path[:48]:<48} {result['rps']:>8.1f} {result['p50']:>8.1f} "
            f"{result['p99']:>8.1f} {result['rps'] / baseline:>7.2f} {result['errors']:>8}"
        )

    extra = ROOT / "bench" / "certificates.py"
    if extra.exists():
        print()
        subprocess.run([sys.executable, str(extra)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
