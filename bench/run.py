"""`make bench`: throughput of chosen pages, measured against a trivial view in the same run.

Starts gunicorn (2 sync workers) on the demo database, drives each URL with wrk (bounded:
one thread, 4 connections, a few seconds, 127.0.0.1 only) and prints requests/s, p50, p99
and the ratio to the trivial "ok" view. Pages that need a signed-in user get a session cookie
made directly in the database. Further benchmarks (certificate rendering) run after it.

Every tracked page is in the table. One that cannot be measured (its page or demo user is
missing, it does not answer 200, or wrk saw socket errors or 4xx/5xx answers) is shown as
FAILED with the reason, and the bench exits 1 after the table. wrk's output is read by
bench/wrk.py (every unit wrk prints; tests in tests/tooling/test_bench_parse.py).
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402

DEMO_DATABASE = database.use_copy()  # the bench writes; the demo stays as it was
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bench import pdf_and_startup, posts, wrk  # noqa: E402
from people.models import User  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "5s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
# BENCH_ONLY="autosave,scenario step": only the rows whose label holds one of these words
# (the trivial view always, as the ratios need it), and none of the benchmarks after the table.
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]


def chosen(label: str) -> bool:
    return not ONLY or label.startswith("trivial") or any(word in label for word in ONLY)


# Targets (issue 18): share of the trivial view's requests/s, the p99 in ms and the most
# queries per request. Shown beside each figure; absent where no target is set.
LEARNER_PAGES = ("my learning dashboard", "course page", "module page", "lesson page")
TARGET_RATIO: dict[str, float] = {
    **dict.fromkeys(LEARNER_PAGES, 0.20),
    "quiz autosave (POST)": 0.15,
    "scenario step (POST)": 0.15,
}
TARGET_P99: dict[str, float] = dict.fromkeys(LEARNER_PAGES, 60.0)
TARGET_QUERIES: dict[str, int] = {"lesson page": 8, "lesson page, each view rendered": 8}
# What a browser holds after its first page: the CSRF cookie (its secret: 32 letters/digits).
CSRF_COOKIE = f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"


def session_cookie(username: str) -> str | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def targets() -> list[tuple[str, str | None, str | None]]:
    """(label, path, username) for every page we track; path None when the page is missing
    from the database (it fails the bench, it is not skipped). Later features add theirs."""
    from content.pages.course import CoursePage, ModulePage
    from content.pages.lesson import LessonPage
    from training.models.scenario_runs import ScenarioRun

    course = CoursePage.objects.live().order_by("path").first()
    module = ModulePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().order_by("path").first()
    run = ScenarioRun.objects.filter(trainee__username="bench-trainee-1").first()
    return [
        ("trivial view (/healthz/)", "/healthz/", None),
        ("home page", "/", None),
        ("my learning dashboard", "/learn/", "trainee1"),
        ("course page", course.url if course else None, "trainee1"),
        ("module page", module.url if module else None, "trainee1"),
        ("lesson page", lesson.url if lesson else None, "trainee1"),
        # The same lesson with a new query string on every request: never a kept page
        # (training/page_cache.py), so every view is rendered, as on a first visit.
        (
            "lesson page, each view rendered",
            f"{lesson.url}?view={{n}}" if lesson else None,
            "trainee1",
        ),
        (
            "scenario step page",
            f"/learn/scenarios/runs/{run.pk}/" if run else None,
            "bench-trainee-1",
        ),
        ("assessor dashboard", "/assess/", "assessor"),
    ]


@dataclass
class Row:
    label: str
    path: str | None
    result: wrk.WrkResult | None = None
    problem: str | None = None
    queries: int | None = None
    note: str = ""


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


def status_problem(url: str, cookie: str | None) -> str | None:
    """None when the page answers 200; a redirect (to the log-in page, say) would be fast
    and meaningless, an error page measures the error."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", target, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
    except OSError as error:
        return f"GET {target} failed: {error}"
    finally:
        connection.close()
    if response.status != 200:
        location = response.getheader("Location")
        return f"answered {response.status}, not 200" + (f" (to {location})" if location else "")
    return None


EVERY_VIEW_NEW = """-- every request a different query string: {n} counts up
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", (string.gsub(PATH, "{n}", tostring(n))))
end
"""


def every_view_new_script(path: str) -> Path:
    script = ROOT / "var" / "bench" / "every_view_new.lua"
    script.write_text(f"PATH = {path!r}\n{EVERY_VIEW_NEW}")
    return script


def run_wrk(url: str, cookie: str | None, script: Path | None = None) -> wrk.WrkResult:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if script:
        command[1:1] = ["-s", str(script)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise wrk.WrkOutputError(f"wrk exited {done.returncode}: {done.stderr.strip()}")
    return wrk.parse(done.stdout)


def measure(base: str, label: str, path: str | None, username: str | None) -> Row:
    if path is None:
        return Row(label, path, problem="not in the database (is the demo loaded? make db)")
    row = Row(label, path)
    cookie = None
    if username:
        cookie = session_cookie(username)
        if cookie is None:
            row.problem = f"demo user {username!r} is missing (is the demo loaded? make db)"
            return row
        cookie = f"{cookie}; {CSRF_COOKIE}"  # a browser has it from its first page
    script = every_view_new_script(path) if "{n}" in path else None
    path_now = path.replace("{n}", "0")
    row.problem = status_problem(base + path_now, cookie)
    if row.problem:
        return row
    try:
        row.result = run_wrk(base + path_now, cookie, script)
    except wrk.WrkOutputError as error:
        row.problem = str(error)
        return row
    problems = row.result.problems()
    # Still 200 afterwards: the session held for the whole run.
    after = status_problem(base + path_now, cookie)
    if after:
        problems.append(f"after the run it {after}")
    row.problem = "; ".join(problems) or None
    return row


def measure_writes(base: str, prepared: "posts.Prepared") -> Row:
    """A write posted by wrk's script (bench/posts.py); 4xx answers (a refused autosave is a
    409) make it FAILED, and the note says how many writes the server really took."""
    row = Row(prepared.label, prepared.script.name)
    try:
        row.result = run_wrk(base + "/", None, prepared.script)
    except wrk.WrkOutputError as error:
        row.problem = str(error)
        return row
    row.problem = "; ".join(row.result.problems()) or None
    accepted = prepared.accepted()
    row.note = f"{accepted} of {row.result.requests} writes taken"
    if accepted < row.result.requests * 0.99 and not row.problem:
        row.problem = f"only {row.note}"
    return row


def count_queries(path: str | None, username: str | None) -> int | None:
    """Queries of one request to `path`, counted in this process (Django test client, after a
    first request so per-process start-up caches are warm, as in a running worker)."""
    if path is None:
        return None
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # The manifest was (re)written by collectstatic after this process started.
    if hasattr(staticfiles_storage, "load_manifest"):
        staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = (
            staticfiles_storage.load_manifest()
        )
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            return None
        client.force_login(user)
        client.cookies.load(CSRF_COOKIE)
    client.get(path.replace("{n}", "1"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path.replace("{n}", "2"))
    return len(captured.captured_queries) if response.status_code == 200 else None


def database_label() -> str:
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite {Path(db['NAME']).name}"
    return f"{engine} {db.get('HOST') or 'localhost'}/{db['NAME']}"


def print_table(rows: list[Row]) -> None:
    baseline = rows[0].result.requests_per_s if rows[0].result and not rows[0].problem else None
    print(
        f"\ngunicorn 2 sync workers, wrk -t1 -c{CONNECTIONS} -d{DURATION}, "
        f"{database_label()} demo database\n"
    )
    print(
        f"{'page':<32} {'path':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max':>5} "
        f"{'vs ok':>6} {'target':>7} {'queries':>7} {'max':>4} {'requests':>8}"
    )
    for row in rows:
        head = f"{row.label:<32} {(row.path or '-')[:48]:<48}"
        if row.problem:
            print(f"{head} FAILED: {row.problem.splitlines()[0]}")
            continue
        r = row.result
        ratio = f"{r.requests_per_s / baseline:>6.2f}" if baseline else f"{'-':>6}"
        target = TARGET_RATIO.get(row.label)
        target_text = f"{target:>7.2f}" if target is not None else f"{'-':>7}"
        queries = f"{row.queries:>7}" if row.queries is not None else f"{'-':>7}"
        budget = TARGET_QUERIES.get(row.label)
        budget_text = f"{budget:>4}" if budget is not None else f"{'-':>4}"
        p99_target = TARGET_P99.get(row.label)
        p99_text = f"{p99_target:>5.0f}" if p99_target is not None else f"{'-':>5}"
        print(
            f"{head} {r.requests_per_s:>8.1f} {r.p50:>8.1f} {r.p99:>8.1f} {p99_text} {ratio} "
            f"{target_text} {queries} {budget_text} {r.requests:>8}"
            + (f"  ({row.note})" if row.note else "")
        )


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    writes = posts.prepare(work, session_cookie)
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
            os.environ.get("BENCH_WORKERS", "2"),
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
        wait_until_up(base + "/healthz/", timeout=120)
        pages = [target for target in targets() if chosen(target[0])]
        rows = [measure(base, *target) for target in pages]
        rows += [measure_writes(base, prepared) for prepared in writes if chosen(prepared.label)]
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    for row, (_label, path, username) in zip(rows, pages, strict=False):
        if not row.problem:
            row.queries = count_queries(path, username)
    print_table(rows)
    failed = [row for row in rows if row.problem]
    if failed:
        print(
            f"\n{len(failed)} of {len(rows)} tracked pages could not be measured:", file=sys.stderr
        )
        for row in failed:
            print(f"  - {row.label} ({row.path or 'no page'}): {row.problem}", file=sys.stderr)
        raise SystemExit("bench failed: fix the set-up (or the page) and run it again")

    print(
        f"\nOn a copy of {database_label()}'s demo data ({DEMO_DATABASE.split('@')[-1]}); "
        "targets: vs ok (share of the trivial view), p99 max (ms), queries max."
    )
    if ONLY:
        return
    pdf_and_startup.print_figures()
    # On their own throw-away databases: 500 trainees for /assess/, then 1,000 certificates.
    for extra in ("assess_scale.py", "certificates.py"):
        print()
        subprocess.run([sys.executable, str(ROOT / "bench" / extra)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
