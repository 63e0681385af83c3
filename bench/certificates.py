"""Certificate benchmark: `.venv/bin/python bench/certificates.py [--count 200] [--renders 15]`.

What it measures, against a throw-away SQLite database and private storage in a temporary
directory (DJANGO_SETTINGS_MODULE=config.settings.dev, schema built like the test suite,
without migrations):

1. render   - median / p95 time to render one certificate PDF with WeasyPrint from sample
              data (after one warm-up render that loads the fonts), and the PDF size;
2. issue    - wall time to issue N certificates (default 200) for a cohort through the real
              path: an admin's bulk job is enqueued on the django-tasks-db backend and ONE
              `db_worker --batch` run in this process works through it (number allocation,
              row locks, render, SHA-256, write to private storage, per-item transactions).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="certificates to issue")
    parser.add_argument("--renders", type=int, default=15, help="renders for the median")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and files")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cert-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
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

    from wagtail.models import Locale

    from assessments.models.certificates import Certificate, CertificateDesign
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

    # 2. issue N with one worker
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
    job = bulk_issue_job_create(by=admin, cohort=cohort, unit=unit, decision_ids=ids)
    started = time.perf_counter()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    issue_seconds = time.perf_counter() - started
    counts = bulk_issue_job_counts(job)
    sizes = [c.pdf_size for c in Certificate.objects.all()]

    rows = [
        ("render: median", f"{statistics.median(times) * 1000:.0f} ms"),
        ("render: p95", f"{times[int(len(times) * 0.95) - 1] * 1000:.0f} ms"),
        ("PDF size (sample)", f"{size / 1024:.0f} KB"),
        (f"issue {args.count} (1 db_worker)", f"{issue_seconds:.1f} s"),
        ("  per certificate", f"{issue_seconds / max(args.count, 1) * 1000:.0f} ms"),
        ("  issued / failed", f"{counts['issued']} / {counts['failed']}"),
        ("  mean stored PDF", f"{statistics.mean(sizes) / 1024:.0f} KB" if sizes else "-"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'certificates':<{width}}  value")
    print("-" * (width + 12))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if args.keep:
        print(f"(temporary data kept in {tmp})")
    else:
        import shutil

        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
