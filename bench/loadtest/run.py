"""Load and fault test (issue 18): Locust against gunicorn and PostgreSQL, 127.0.0.1 only.

    .venv/bin/python bench/loadtest/run.py                # 200 trainees + 5 assessors, 180 s
    .venv/bin/python bench/loadtest/run.py --restart-db   # the same, PostgreSQL restarted midway

1. The database: a dedicated one (`la_loadtest`) on the local PostgreSQL (127.0.0.1:5432, trust
   auth, user postgres; started when down), dropped and created again, migrated, `sync_roles`,
   `load_demo`; then the load test's accounts through the apps' services (dataset.py), and
   ANALYZE (planner statistics, as a database in service has them).
   With --restart-db the database lives on a private PostgreSQL server started for the run
   (pgserver.py), so that restarting it disturbs no other database on 5432; --shared-server
   restarts the machine's cluster instead. --database-url points anywhere else (SQLite too).
2. gunicorn as in production (config/gunicorn.py: 2 x CPUs + 1 sync workers; the database
   cache, as production settings have it), DEBUG off, static files from the collected manifest
   (collectstatic runs when static/ changed since the last collection).
3. Locust, headless with --run-time (locustfile.py): the users arrive over the first 40 s
   (--spawn-rate 5 a second); the trainees read lessons, autosave and submit quizzes, play
   scenarios; the assessors autosave observations, each request as the page's script sends
   it. With --restart-db, PostgreSQL is stopped at half time and started
   again after --outage seconds.
4. The table (report.py): requests, failures, p50 and p95 per endpoint, the targets beside them
   (no failure; p95 <= 300 ms); in the fault run the requests that overlap the outage are
   counted apart. Then the database check (verify.py): every acknowledged write is there.

Exits 1 when a target is missed or an acknowledged write is missing. Figures, logs and the
access log stay in --out (default var/loadtest/<time>)."""

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.loadtest import pgserver, report  # noqa: E402

VENV_BIN = Path(sys.executable).parent
DATABASE_NAME = "la_loadtest"
TARGET_P95_MS = 300.0


def server_env(database_url: str, *, debug: bool = False, cache: str = "database") -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "true" if debug else "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CACHE": cache,
        "DATABASE_URL": database_url,
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def static_current() -> bool:
    """The collected manifest is newer than every file under static/ (ours; packages' static
    files change only with the venv, which a new collection follows anyway)."""
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max(
        (p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()), default=0
    )
    return manifest.stat().st_mtime >= newest


def start_gunicorn(
    env: dict, out: Path, workers: int | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "-c",
        str(ROOT / "config" / "gunicorn.py"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(out / "access.log"),
        "--error-logfile",
        str(out / "gunicorn.log"),
        "--no-control-socket",  # one per user by default: other gunicorns may be running
        "--access-logformat",
        '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',  # the server's own time per request
    ]
    if workers:
        command += ["--workers", str(workers)]
    # Django's own log (tracebacks of the errors during an outage) goes to server.log.
    with (out / "server.log").open("a") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited {process.returncode}: see {out / 'gunicorn.log'}")
        try:
            urllib.request.urlopen(base + "/healthz/", timeout=2)  # noqa: S310 - loopback only
            return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer at {base}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(
    *,
    base: str,
    plan: dict,
    out: Path,
    users: int,
    assessors: int,
    run_time: float,
    spawn_rate: float,
    think: float,
) -> subprocess.Popen:
    """Start Locust headless (bounded by --run-time) against `base`, which must be loopback."""
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit(f"the load test only runs against 127.0.0.1, not {base}")
    plan_path = out / "plan.json"
    plan_path.write_text(json.dumps(plan))
    for name in ("requests.jsonl", "writes.jsonl"):
        (out / name).unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOADTEST_PLAN": str(plan_path),
        "LOADTEST_OUT": str(out),
        "LOADTEST_THINK": str(think),
        "LOADTEST_ASSESSORS": str(assessors),
    }
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(users + assessors),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{int(run_time)}s",
        "--host",
        base,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(out / "locust.log"),
    ]
    with (out / "locust-summary.txt").open("w") as summary:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=summary, stderr=subprocess.STDOUT
        )


def warm_up(base: str, plan: dict, workers: int) -> None:
    """A few rounds of the pages the users read, several at a time so that every worker
    serves each once: a fresh worker's first page (imports, templates, catalogues, its
    connection) takes seconds, which says nothing about a server that has been running."""
    from concurrent.futures import ThreadPoolExecutor

    cookie = plan["session_cookie_name"]
    trainee = plan["trainees"][0]["session"]
    paths = [(p["url"], trainee) for p in plan["lessons"][:3]]
    paths += [(f"/learn/quiz/{q}/", trainee) for q in plan["quizzes"]]
    paths += [(f"/learn/scenarios/{s}/", trainee) for s in plan["scenarios"][:3]]
    paths += [("/learn/", trainee)]
    for assessor in plan["assessors"][:1]:
        paths += [(f"/assess/trainees/{t}/", assessor["session"]) for t in assessor["trainees"][:2]]

    def get(item):
        path, session = item
        request = urllib.request.Request(base + path, headers={"Cookie": f"{cookie}={session}"})
        with contextlib.suppress(OSError):  # a page that fails here fails in the run
            urllib.request.urlopen(request, timeout=60).read()  # noqa: S310 - loopback only

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _round in range(3):
            list(pool.map(get, [item for item in paths for _ in range(workers)]))


class CpuMeter:
    """CPU seconds used by gunicorn (master and workers) and by Locust during the run,
    sampled every second with psutil (a dependency of Locust): on a small machine the load
    generator competes with the server, and that belongs beside the figures."""

    def __init__(self, processes: dict[str, int]):
        import psutil

        self.psutil = psutil
        self.processes = processes
        self.seen: dict[str, dict[int, float]] = {name: {} for name in processes}
        self.machine_start = self._busy()
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while self.running:
            for name, pid in self.processes.items():
                try:
                    root = self.psutil.Process(pid)
                    for process in [root, *root.children(recursive=True)]:
                        times = process.cpu_times()
                        self.seen[name][process.pid] = times.user + times.system
                except self.psutil.Error:
                    continue
            time.sleep(1)

    def _busy(self) -> float:
        times = self.psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0)

    def stop(self) -> dict[str, float]:
        self.running = False
        self.thread.join(timeout=5)
        used = {name: sum(values.values()) for name, values in self.seen.items()}
        used["PostgreSQL and everything else on the machine"] = max(
            0.0, self._busy() - self.machine_start - sum(used.values())
        )
        return used


def restart_midway(server, delay: float, outage: float, marks: dict) -> threading.Thread:
    """Stop PostgreSQL after `delay` seconds, start it again `outage` seconds later; the times
    (wall clock, as Locust's) go into `marks`."""

    def restart():
        time.sleep(delay)
        marks["down"] = time.time()
        server.stop()
        time.sleep(outage)
        server.restart_start()
        pgserver.wait_ready(server.host, server.port)
        marks["up"] = time.time()

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    return thread


def setup_database(args, server) -> str:
    """Create, migrate and fill the database; returns its URL."""
    if args.database_url:
        url = args.database_url
    else:
        server.start()
        url = f"postgres://postgres@127.0.0.1:{server.port}/{DATABASE_NAME}"
        if not args.reuse_db or not pgserver.database_exists(server.port, DATABASE_NAME):
            print(f"Creating the database {DATABASE_NAME} on 127.0.0.1:{server.port}")
            pgserver.recreate_database(server.port, DATABASE_NAME)
    env = server_env(url)
    print("Migrating, syncing the roles, loading the demo (a minute or two on a new database)")
    manage(env, "migrate", "-v", "0")
    # core's migration 0003 makes la_cache only for the cache configured when it runs.
    manage(env, "createcachetable", "-v", "0")
    manage(env, "sync_roles", "-v", "0")
    manage(env, "load_demo", "--if-missing", "-v", "0")
    return url


def analyze(url: str, port: int | None) -> None:
    """Planner statistics for the tables just filled (a database in service has them;
    autovacuum would gather them only some minutes into the run)."""
    if port is not None and url.startswith("postgres"):
        pgserver.psql(port, "ANALYZE", database=DATABASE_NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restart-db", action="store_true", help="restart PostgreSQL midway")
    parser.add_argument("--users", type=int, default=200, help="simulated trainees")
    parser.add_argument("--assessors", type=int, default=5, help="simulated assessors")
    parser.add_argument("--run-time", type=float, default=180, help="seconds of load")
    parser.add_argument(
        "--spawn-rate", type=float, default=5, help="users arriving per second (40 s for 205)"
    )
    parser.add_argument("--think", type=float, default=1.0, help="scale of the users' pauses")
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--workers", type=int, help="gunicorn workers (config/gunicorn.py's)")
    parser.add_argument("--database-url", help="use this database instead (not recreated)")
    parser.add_argument("--reuse-db", action="store_true", help="keep la_loadtest if present")
    parser.add_argument(
        "--shared-server", action="store_true", help="--restart-db restarts 127.0.0.1:5432"
    )
    parser.add_argument("--out", type=Path, help="folder for logs and figures")
    args = parser.parse_args(argv)
    if args.restart_db and args.database_url:
        parser.error("--restart-db runs on its own PostgreSQL server: leave out --database-url")

    out = args.out or ROOT / "var" / "loadtest" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    private = args.restart_db and not args.shared_server and not args.database_url
    server = pgserver.PrivateServer() if private else pgserver.SharedServer()
    gunicorn = None
    try:
        url = setup_database(args, server)
        os.environ.update(server_env(url))
        import django

        django.setup()
        from bench.loadtest import dataset, verify

        print(f"Accounts: {args.users} trainees, {args.assessors} assessors (through services)")
        plan = dataset.prepare(trainees=args.users, assessors=args.assessors)
        analyze(url, None if args.database_url else server.port)
        if not static_current():
            print("Collecting static files (DEBUG is off, as in production)")
            manage(server_env(url), "collectstatic", "--noinput", "-v", "0")
        gunicorn, base = start_gunicorn(server_env(url), out, args.workers)
        workers = args.workers or (os.cpu_count() or 1) * 2 + 1
        print("Warming the workers up (each serves every page once before the run)")
        warm_up(base, plan, workers)
        from django.db import connections

        connections.close_all()
        load_before = os.getloadavg()[0]
        marks: dict[str, float] = {}
        print(
            f"Locust: {args.users} trainees + {args.assessors} assessors for {args.run_time:.0f} s "
            f"against {base}" + (" (PostgreSQL restarted midway)" if args.restart_db else "")
        )
        locust = run_locust(
            base=base,
            plan=plan,
            out=out,
            users=args.users,
            assessors=args.assessors,
            run_time=args.run_time,
            spawn_rate=args.spawn_rate,
            think=args.think,
        )
        meter = CpuMeter({"gunicorn": gunicorn.pid, "Locust": locust.pid})
        restarter = None
        if args.restart_db:
            restarter = restart_midway(server, args.run_time / 2, args.outage, marks)
        locust.wait(timeout=args.run_time + 120)
        if restarter:
            restarter.join(timeout=120)
        cpu = meter.stop()
        stop(gunicorn)
        gunicorn = None

        entries = report.load(out / "requests.jsonl")
        outage = (marks["down"], marks["up"]) if args.restart_db and "up" in marks else None
        summary = report.summarise(entries, target_p95_ms=TARGET_P95_MS, outage=outage)
        print(
            f"\ngunicorn {workers} sync workers, {pgserver_label(url)}, {args.users} trainees + "
            f"{args.assessors} assessors, {args.run_time:.0f} s, think x{args.think}; "
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before the run, "
            f"{os.getloadavg()[0]:.1f} after (other work on the machine skews the figures)"
        )
        print(
            "CPU seconds used: "
            + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu.items())
            + f" (of {(os.cpu_count() or 1) * args.run_time:.0f} the machine has in the run)"
        )
        if outage:
            print(
                f"PostgreSQL down for {outage[1] - outage[0]:.1f} s from "
                f"{outage[0] - min(e['start'] for e in entries):.0f} s into the run"
            )
        print(report.table(summary, target_p95_ms=TARGET_P95_MS, fault=args.restart_db))
        if args.restart_db and outage is None:
            summary.problems.append("PostgreSQL was not restarted (see the output above)")
        checked, lost = verify.verify(out / "writes.jsonl")
        print(
            "\nAcknowledged writes checked in the database: "
            + ", ".join(f"{count} {kind}" for kind, count in checked.items())
        )
        for problem in lost:
            print(f"  LOST: {problem}")
        problems = summary.problems + lost
        (out / "summary.json").write_text(
            json.dumps({"problems": problems, "checked": checked, "outage": outage}, indent=1)
        )
        print(f"\nLogs and figures: {out}")
        if problems:
            print(f"\nload test FAILED ({len(problems)} problems):", file=sys.stderr)
            for problem in problems[:30]:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        print("load test passed: every target met, every acknowledged write is in the database")
        return 0
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        server.close()


def pgserver_label(url: str) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite {Path(db['NAME']).name}"
    return f"{engine} {db.get('HOST')}:{db.get('PORT')}/{db['NAME']}"


if __name__ == "__main__":
    sys.exit(main())
