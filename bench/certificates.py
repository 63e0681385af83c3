"""Certificate benchmark: `.venv/bin/python bench/certificates.py [--count N] [--workers 2]`
(`make bench` runs it after the page table; BENCH_CERTS=N issues N instead of 1,000).

What it measures, against a throw-away SQLite database and private storage in a temporary
directory (DJANGO_SETTINGS_MODULE=config.settings.dev, schema built like the test suite,
without migrations):

1. render   - median / p95 time to render one certificate PDF with WeasyPrint from sample
              data (after one warm-up render that loads the fonts), and the PDF size;
2. issue    - N certificates (default 1,000) for a cohort through the real path: an admin's
              bulk job is queued on the django-tasks-db backend and `--workers` separate
              `manage.py db_worker` processes (default 2) work through its runners (number
              allocation, row locks, render, SHA-256, write to private storage, per-item
              transactions). Shown: the wall time from starting the workers to the job done
              (target: 1,000 in at most 120 s), each worker's peak RSS (VmHWM in
              /proc/<pid>/status, read before it is stopped; target at most 300 MB), and that
              no decision got two certificates (distinct decisions = certificates = N).

Exits 1 when a certificate is missing or issued twice, or the job does not finish.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count",
        type=int,
        default=int(os.environ.get("BENCH_CERTS", "1000")),
        help="certificates to issue (default: BENCH_CERTS or 1000)",
    )
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after (s)")
    parser.add_argument("--renders", type=int, default=15, help="renders for the median")
    parser.add_argument(
        "--db",
        choices=("auto", "postgres", "sqlite"),
        default=os.environ.get("BENCH_CERTS_DB", "auto"),
        help="a throw-away PostgreSQL database on BENCH_POSTGRES_URL (auto: when it answers), "
        "or SQLite",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and files")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cert-bench-"))
    postgres = postgres_database(args.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = postgres or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(tmp / "private")
    os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ["DJANGO_DEBUG"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    class NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)

    import datetime

    from django.db import connections
    from wagtail.models import Locale

    from assessments.models.certificates import BulkIssueJob, Certificate, CertificateDesign
    from assessments.models.decisions import Decision
    from assessments.pdf import render_pdf
    from assessments.selectors.certificates import sample_print_context
    from assessments.services.certificate_bulk import bulk_issue_job_counts, bulk_issue_job_create
    from content.models.framework import CompetencyUnit, WorkTask
    from content.services.site import site_ensure_home
    from people import roles
    from people.models import Cohort
    from people.services import roles_sync, user_create

    Locale.objects.get_or_create(language_code="zh-hant")
    site_ensure_home()
    roles_sync()

    # 1. render
    context = sample_print_context(CertificateDesign())
    render_pdf("assessments/pdf/certificate.html", context)  # warm-up: font loading
    times, size = [], 0
    for _ in range(args.renders):
        started = time.perf_counter()
        size = len(render_pdf("assessments/pdf/certificate.html", context))
        times.append(time.perf_counter() - started)
    times.sort()

    # 2. issue N with --workers db_worker processes
    setup_started = time.perf_counter()
    unit = CompetencyUnit.objects.create(
        code="KPS5R0821v2", base_code="KPS5R0821", version="v2", title="提升客戶忠誠度方案", level=4
    )
    for i, title in enumerate(
        (
            "確認客戶忠誠度方案的細節",
            "提升客戶參與忠誠度方案",
            "提供客戶忠誠度方案獎勵",
            "查看客戶響應忠誠度方案",
        ),
        start=1,
    ):
        WorkTask.objects.create(unit=unit, number=i, code=f"T{i}", title=title, sort_order=i)
    cohort = Cohort.objects.create(code="bench", name="bench")
    admin = user_create(
        username="bench-admin", password=None, full_name="管理員", is_superuser=True
    )
    assessor = user_create(
        username="bench-assessor", password=None, full_name="林評審", role=roles.ASSESSOR
    )
    ids = []
    for n in range(args.count):
        trainee = user_create(
            username=f"t{n}",
            password=None,
            full_name=f"陳大文{n}",
            role=roles.TRAINEE,
            cohorts=[cohort],
        )
        ids.append(
            Decision.objects.create(
                trainee=trainee,
                unit=unit,
                assessor=assessor,
                outcome="competent",
                reasons="bench",
                assessed_on=datetime.date.today(),
            ).pk
        )
    setup_seconds = time.perf_counter() - setup_started
    # Creating the bench's users and unit queued Wagtail's index updates for them: dropped
    # (a throw-away database), so that the workers' time is the job's.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()

    # The workers start first and the clock when the admin's job is queued, as on a server
    # where the workers are already running (each still loads WeasyPrint on its first render).
    logs = [tmp / f"db_worker-{n}.log" for n in range(args.workers)]
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.2", "--worker-id", f"bench-{n}"],
            cwd=ROOT,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        for n, log in enumerate(logs)
    ]
    ready_by = time.perf_counter() + 120
    while not all("Starting worker" in log.read_text() for log in logs):
        if time.perf_counter() > ready_by or any(w.poll() is not None for w in workers):
            for worker in workers:
                worker.kill()
            raise SystemExit(f"the db_workers did not start (logs in {tmp})")
        time.sleep(0.2)
    cpu_at_start = {w.pid: cpu_seconds(w.pid) for w in workers}
    load_at_start = os.getloadavg()[0]

    started = time.perf_counter()
    job = bulk_issue_job_create(by=admin, cohort=cohort, unit=unit, decision_ids=ids)
    peaks = dict.fromkeys(w.pid for w in workers)
    problem = None
    try:
        while True:
            for worker in workers:
                peaks[worker.pid] = peak_rss_kb(worker.pid) or peaks[worker.pid]
            job.refresh_from_db(fields=["status"])
            if job.status == BulkIssueJob.Status.DONE:
                break
            if any(w.poll() is not None for w in workers):
                problem = "a db_worker exited before the job was done"
                break
            if time.perf_counter() - started > args.timeout:
                problem = f"the job was not done after {args.timeout:.0f} s"
                break
            time.sleep(0.25)
        issue_seconds = time.perf_counter() - started
        cpu = {}
        for worker in workers:  # read once more just before the worker is stopped
            peaks[worker.pid] = peak_rss_kb(worker.pid) or peaks[worker.pid]
            cpu[worker.pid] = (cpu_seconds(worker.pid) or 0) - (cpu_at_start[worker.pid] or 0)
        load_at_end = os.getloadavg()[0]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

    counts = bulk_issue_job_counts(job)
    issued = Certificate.objects.filter(decision_id__in=ids)
    certificates = issued.count()
    distinct_decisions = issued.values("decision_id").distinct().count()
    distinct_numbers = issued.values("number").distinct().count()
    sizes = list(issued.values_list("pdf_size", flat=True))
    if problem is None and not (certificates == distinct_decisions == distinct_numbers == len(ids)):
        problem = (
            f"{certificates} certificates for {distinct_decisions} of {len(ids)} decisions "
            f"({distinct_numbers} numbers)"
        )

    rate = args.count / issue_seconds if issue_seconds else 0
    database = "PostgreSQL" if postgres else "SQLite"
    rows = [
        ("database", database),
        ("render: median", f"{statistics.median(times) * 1000:.0f} ms"),
        ("render: p95", f"{times[int(len(times) * 0.95) - 1] * 1000:.0f} ms"),
        ("PDF size (sample)", f"{size / 1024:.0f} KB"),
        (f"set-up: {args.count} Competent decisions", f"{setup_seconds:.1f} s"),
        (
            f"issue {args.count} ({args.workers} db_workers)",
            f"{issue_seconds:.1f} s"
            + target(issue_seconds <= 120 * args.count / 1000, "120 s per 1,000"),
        ),
        ("  certificates per second", f"{rate:.1f}"),
        (
            "  issued / skipped / failed",
            f"{counts['issued']} / {counts['skipped']} / {counts['failed']}",
        ),
        (
            "  certificates / distinct decisions",
            f"{certificates} / {distinct_decisions}"
            + target(certificates == distinct_decisions == len(ids), "none twice"),
        ),
        ("  mean stored PDF", f"{statistics.mean(sizes) / 1024:.0f} KB" if sizes else "-"),
    ]
    for n, worker in enumerate(workers):
        peak = peaks[worker.pid]
        rows.append(
            (
                f"  peak RSS, db_worker {n + 1}",
                (f"{peak / 1024:.0f} MB" + target(peak <= 300 * 1024, "300 MB")) if peak else "-",
            )
        )
        rows.append((f"  CPU time, db_worker {n + 1}", f"{cpu.get(worker.pid, 0):.1f} s"))
    total_cpu = sum(cpu.values())
    rows += [
        ("  CPU per certificate (all workers)", f"{total_cpu / max(args.count, 1) * 1000:.0f} ms"),
        ("  load average at start / end", f"{load_at_start:.1f} / {load_at_end:.1f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'certificates':<{width}}  value")
    print("-" * (width + 12))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if problem:
        for n in range(args.workers):
            tail = (tmp / f"db_worker-{n}.log").read_text(errors="replace").splitlines()[-15:]
            print(f"--- db_worker {n + 1}, last lines:", *tail, sep="\n", file=sys.stderr)
    connections.close_all()
    if args.keep or problem:
        print(f"(temporary data kept in {tmp}" + (f", database {postgres})" if postgres else ")"))
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        if postgres:
            postgres_drop(postgres)
    if problem:
        raise SystemExit(f"certificate bench failed: {problem}")


POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


def postgres_database(choice: str) -> str | None:
    """The URL of a new, empty PostgreSQL database for this run (None: use SQLite). Several
    db_workers on SQLite take turns for its one write lock, and a worker kept waiting more
    than the lock timeout stops: PostgreSQL, as in production, is what measures them."""
    if choice == "sqlite":
        return None
    name = f"la_cert_bench_{os.getpid()}"
    try:
        _postgres_admin(f"CREATE DATABASE {name}")
    except Exception as error:
        if choice == "postgres":
            raise SystemExit(f"no PostgreSQL at {POSTGRES_URL}: {error}") from error
        print(f"(PostgreSQL not available, {type(error).__name__}: SQLite instead)")
        return None
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


def postgres_drop(url: str) -> None:
    _postgres_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int) -> int | None:
    """The process's peak resident set (VmHWM, kB), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def target(met: bool, label: str) -> str:
    return f"  (target {label}: {'met' if met else 'MISSED'})"


if __name__ == "__main__":
    main()
