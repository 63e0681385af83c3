"""Two app servers and two db_workers against one PostgreSQL database, on 127.0.0.1.

    .venv/bin/python scripts/two_servers.py [--servers 2] [--workers 2] [--keep]
    .venv/bin/python scripts/two_servers.py --database-url postgres://.../la_mine

With no URL, a throw-away database `la_two_<random>` is created on the local PostgreSQL
(TWO_SERVERS_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres), migrated,
and dropped when the script ends (--keep keeps it). A --database-url is migrated, never
dropped. Every process shares the database, DJANGO_CACHE=database (so a publish through one
server reaches the other at once: content/tree_cache.py) and the database task queue (so the
workers share a bulk job's runners). Ctrl-C or SIGTERM stops every process it started.
tests/scaleout/test_two_servers.py uses the same helpers."""

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.loadtest.run import server_env, start_gunicorn, stop  # noqa: E402

ADMIN_URL = os.environ.get(
    "TWO_SERVERS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


# --- the database -----------------------------------------------------------------------


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


def postgres_reachable() -> bool:
    try:
        _admin("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    return True


def database_create() -> str:
    """The URL of a new, empty database on ADMIN_URL's server."""
    name = f"la_two_{secrets.token_hex(4)}"
    _admin(f"CREATE DATABASE {name}")
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def database_drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if not name.startswith("la_two_"):  # only what database_create made
        raise ValueError(f"refusing to drop {name}")
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(env: dict, *args: str, timeout: float = 300) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout
    )


def migrate(env: dict) -> None:
    """Migrations, the cache table (made by a migration only for the cache configured when
    it ran) and the role groups, as after every deploy."""
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable", "-v0")
    manage(env, "sync_roles", "-v0")


def static_current(env: dict) -> bool:
    """The collected manifest is newer than every file under static/ (as
    bench/loadtest/run.py's static_current, without starting Django here)."""
    manifest = Path(env.get("DJANGO_STATIC_ROOT") or ROOT / "staticfiles") / "staticfiles.json"
    if not manifest.exists():
        return False
    files = (p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    return manifest.stat().st_mtime >= max(files, default=0)


# --- the processes ----------------------------------------------------------------------


def shared_env(database_url: str, *, settings: str = "config.settings.dev", **extra) -> dict:
    """The environment of every process: one database, the database cache, the database
    task queue, files on the filesystem unless `extra` says otherwise."""
    env = server_env(database_url, cache="database")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "DJANGO_STORAGE": "filesystem",
            **extra,
        }
    )
    return env


def start_servers(env: dict, out: Path, count: int = 2) -> list[tuple[subprocess.Popen, str]]:
    """`count` gunicorns (one worker each) on free ports, each answering /healthz/ within
    start_gunicorn's bound (else SystemExit, the ones started stopped)."""
    servers = []
    try:
        for n in range(count):
            folder = out / f"server-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            servers.append(start_gunicorn(env, folder, workers=1))
    except BaseException:
        stop_all([process for process, _base in servers])
        raise
    return servers


def start_workers(
    env: dict, out: Path, count: int = 2, *, timeout: float = 120
) -> list[subprocess.Popen]:
    """`count` `manage.py db_worker` processes with ids worker-0, worker-1 ..., returned
    once each has logged that it started."""
    out.mkdir(parents=True, exist_ok=True)
    logs = [out / f"db_worker-{n}.log" for n in range(count)]
    workers = []
    try:
        for n, log in enumerate(logs):
            with log.open("w") as handle:
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "db_worker", "--no-reload"]
                        + ["--no-startup-delay", "--interval", "0.1"]
                        + ["--worker-id", worker_id(n)],
                        cwd=ROOT,
                        env=env,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + timeout
        while not all("Starting worker" in log.read_text() for log in logs):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise SystemExit(f"the db_workers did not start (logs in {out})")
            time.sleep(0.1)
    except BaseException:
        stop_all(workers)
        raise
    return workers


def worker_id(n: int) -> str:
    return f"worker-{n}"


def stop_all(processes) -> None:
    for process in processes:
        with contextlib.suppress(Exception):
            stop(process)


@dataclass
class Cluster:
    env: dict
    out: Path
    bases: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)


@contextlib.contextmanager
def cluster(env: dict, out: Path, *, servers: int = 2, workers: int = 2) -> Iterator[Cluster]:
    """The servers and workers on an already migrated database; all stopped on exit."""
    running = Cluster(env=env, out=out)
    try:
        for process, base in start_servers(env, out, servers):
            running.processes.append(process)
            running.bases.append(base)
        running.workers = start_workers(env, out / "workers", workers)
        running.processes += running.workers
        yield running
    finally:
        stop_all(running.processes)


# --- the command ------------------------------------------------------------------------


def _stop_on_sigterm() -> None:
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an existing PostgreSQL database (not dropped)")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    args = parser.parse_args(argv)
    _stop_on_sigterm()
    tmp = Path(tempfile.mkdtemp(prefix="two-servers-"))
    created = None
    try:
        if args.database_url:
            url = args.database_url
        else:
            created = url = database_create()
            print(f"database {url}")
        env = shared_env(
            url,
            DJANGO_DEBUG="false",
            DJANGO_MEDIA_ROOT=str(tmp / "media"),
            DJANGO_PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        )
        print("migrating")
        migrate(env)
        if not static_current(env):  # DEBUG is off: the servers read the manifest
            manage(env, "collectstatic", "--noinput", "-v0")
        with cluster(env, tmp, servers=args.servers, workers=args.workers) as running:
            for base in running.bases:
                print(f"server  {base}")
            print(f"workers {args.workers} (logs in {tmp / 'workers'})\nCtrl-C stops everything.")
            while all(process.poll() is None for process in running.processes):
                time.sleep(1)
            print("a process exited: stopping the others", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if created and not args.keep:
            database_drop(created)
        elif created:
            print(f"kept {created}")


if __name__ == "__main__":
    raise SystemExit(main())
