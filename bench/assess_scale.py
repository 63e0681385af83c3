"""The assessor dashboard at scale (issue 18): a cohort of N trainees (500 by default) in one
assessor's scope, with evidence across the 13 indicators of the demo unit KPS5R0821v2, and a
measurement of /assess/ (trainee table and heat map) against the 250 ms target.

    build(trainees=500) -> Scale       the data (tests and the bench call it)
    measure(scale=None, client=None)   server time and queries of /assess/, printed

Standalone, against a throw-away SQLite database (schema built like the test suite):

    .venv/bin/python bench/assess_scale.py [--trainees 500] [--repeat 5] [--strict]
        [--profile [--sort tottime]]

prints, for /assess/ (all the assessor's trainees) and /assess/?cohort= (the cohort), the
median wall time, the best wall time and the median CPU time of the request in this process
(SQLite answers in it too, so CPU time is the server's own time on a shared machine), the
queries, and the rows and heat-map cells on the page, beside the 250 ms target. bench/run.py
can run it after the page table, as it runs bench/certificates.py:

    subprocess.run([sys.executable, str(ROOT / "bench" / "assess_scale.py")], cwd=ROOT, check=True)

Accounts go through the real service (`user_create`), the assignment, the oral questions
and the decisions too; the evidence rows are written with bulk_create exactly as
`observation_submit` and `questioning_record` write them (one line per checklist behaviour
or question, from the unit's live checklist), without their audit entries: that is the only
shortcut, and it keeps 500 trainees to a few seconds.

The mix, by trainee number modulo 10: 0-1 complete evidence on two dates (ready; a few of them
decided Competent, one Not Yet Competent and appealed); 2-4 till observations and half the
questions (in training); 5 some behaviours not yet satisfactory; 6 evidence older than the
course allows (stale); 7 a role play, partly not yet satisfactory; 8 enrolled with no
evidence; 9 not enrolled."""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_MS = 250
_seq = itertools.count(1)


@dataclass
class Scale:
    assessor: object
    cohort: object
    unit: object
    course: object
    trainees: list = field(default_factory=list)


def _course_for(unit):
    """The live course on `unit` (the demo's), else a new one under the course index."""
    from content.pages.course import CourseIndexPage, CoursePage
    from content.pages.home import HomePage
    from content.services.review import review_workflow_ensure

    course = CoursePage.objects.live().filter(unit=unit).order_by("pk").first()
    if course is not None:
        return course
    index = CourseIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.first().add_child(
            instance=CourseIndexPage(title="課程", slug="courses")
        )
        review_workflow_ensure(page=index)
    return index.add_child(
        instance=CoursePage(
            title="提升客戶忠誠度方案", slug=f"scale-course-{next(_seq)}", unit=unit
        )
    )


def _question_bank(unit, assessor, indicators) -> dict[int, object]:
    """One oral question per indicator (the demo bank's when loaded)."""
    from assessments.models.questions import OralQuestion
    from assessments.services.workspace import oral_question_create

    bank = {}
    for q in OralQuestion.objects.filter(unit=unit).order_by("pk"):
        bank.setdefault(q.indicator_id, q)
    for ind in indicators:
        if ind.pk not in bank:
            bank[ind.pk] = oral_question_create(
                author=assessor,
                unit=unit,
                indicator=ind,
                text=f"請說明 {ind.code}：{ind.text}",
                model_answer="說出方案規定並連結到顧客情況為滿意。",
            )
    return bank


def build(trainees: int = 500, *, assessor=None, prefix: str | None = None) -> Scale:
    """A cohort of `trainees` trainees assigned to `assessor` (a new assessor when None), with
    evidence for the demo unit (imported, with its observation checklist, when missing)."""
    from django.db import transaction
    from django.utils import timezone

    from assessments.models.evidence import (
        KIND_METHOD,
        EvidenceKind,
        EvidenceLine,
        EvidenceRecord,
        ItemResult,
    )
    from assessments.selectors.checklist import observation_checklist
    from assessments.services.appeals import appeal_lodge
    from assessments.services.decisions import decision_record
    from assessments.services.workspace import assessor_assignment_create
    from content.demo import observations as demo_observations
    from content.demo.unit import seed_unit
    from content.models.framework import Indicator
    from content.models.observation import ObservationContext
    from people import roles
    from people.models import Cohort
    from people.services import user_create
    from training.models.enrolment import Enrolment

    n = next(_seq)
    prefix = prefix or f"scale{os.getpid()}x{n}"
    S, NS = ItemResult.SATISFACTORY, ItemResult.NOT_SATISFACTORY
    with transaction.atomic():
        unit = seed_unit()
        demo_observations.load()
        course = _course_for(unit)
        indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))
        if assessor is None:
            assessor = user_create(
                username=f"{prefix}-assessor",
                password=None,
                full_name="林評審",
                role=roles.ASSESSOR,
            )
        cohort = Cohort.objects.create(code=f"{prefix}-cohort", name=f"梯次 {prefix}")
        assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
        bank = _question_bank(unit, assessor, indicators)
        people = [
            user_create(
                username=f"{prefix}-t{i:04d}",
                password=None,
                full_name=f"學員{i:04d}",
                role=roles.TRAINEE,
                cohorts=[cohort],
            )
            for i in range(trainees)
        ]
        Enrolment.objects.bulk_create(
            Enrolment(trainee=t, course=course, source=Enrolment.Source.COHORT, cohort=cohort)
            for i, t in enumerate(people)
            if i % 10 != 9
        )

        checklists = {
            ctx: observation_checklist(unit, EvidenceKind.OBSERVATION, ctx)
            for ctx in (ObservationContext.TILL, ObservationContext.BACK_OFFICE)
        }
        role_play = observation_checklist(
            unit, EvidenceKind.ROLE_PLAY, ObservationContext.ROLE_PLAY
        )
        today = timezone.localdate()
        earlier = today - datetime.timedelta(days=21)
        stale_on = today - datetime.timedelta(days=500)

        records: list[EvidenceRecord] = []
        lines: list[list[EvidenceLine]] = []

        def observe(trainee, kind, ctx, entries, on, result=lambda e: S):
            records.append(
                EvidenceRecord(
                    trainee=trainee,
                    unit=unit,
                    kind=kind,
                    method=KIND_METHOD[kind],
                    context=ctx,
                    occurred_on=on,
                    place="台北信義店",
                    environment="real" if kind == EvidenceKind.OBSERVATION else "simulated",
                    summary="櫃台服務",
                    recorded_by=assessor,
                )
            )
            lines.append(
                [
                    EvidenceLine(
                        indicator_id=e.indicator_id,
                        observation_item_id=e.observation_item_id,
                        label=e.label,
                        item_ids=list(e.item_ids),
                        result=result(e),
                    )
                    for e in entries
                ]
            )

        def question(trainee, on, chosen, result=lambda ind: S):
            records.append(
                EvidenceRecord(
                    trainee=trainee,
                    unit=unit,
                    kind=EvidenceKind.QUESTIONING,
                    method=KIND_METHOD[EvidenceKind.QUESTIONING],
                    occurred_on=on,
                    recorded_by=assessor,
                )
            )
            lines.append(
                [
                    EvidenceLine(
                        indicator=ind,
                        oral_question=bank[ind.pk],
                        label=bank[ind.pk].text,
                        item_ids=[],
                        result=result(ind),
                        answer="學員回答",
                    )
                    for ind in chosen
                ]
            )

        for i, t in enumerate(people):
            kind = i % 10
            if kind in (0, 1):  # complete: two occasions, every indicator questioned
                for on in (earlier, today):
                    for ctx, entries in checklists.items():
                        observe(t, EvidenceKind.OBSERVATION, ctx, entries, on)
                observe(t, EvidenceKind.ROLE_PLAY, ObservationContext.ROLE_PLAY, role_play, today)
                question(t, today, indicators)
            elif kind in (2, 3, 4):  # at the till only, half the questions
                observe(t, EvidenceKind.OBSERVATION, "till", checklists["till"], today)
                question(t, today, indicators[: len(indicators) // 2])
            elif kind == 5:  # some behaviours not yet satisfactory
                observe(
                    t,
                    EvidenceKind.OBSERVATION,
                    "till",
                    checklists["till"],
                    earlier,
                    result=lambda e: NS if e.indicator_code.startswith("T2") else S,
                )
                question(t, earlier, indicators, result=lambda ind: NS if ind.pk % 3 else S)
            elif kind == 6:  # all of it older than the course allows
                for ctx, entries in checklists.items():
                    observe(t, EvidenceKind.OBSERVATION, ctx, entries, stale_on)
                question(t, stale_on, indicators)
            elif kind == 7:  # a role play, its first indicators not yet satisfactory
                observe(
                    t,
                    EvidenceKind.ROLE_PLAY,
                    ObservationContext.ROLE_PLAY,
                    role_play,
                    today,
                    result=lambda e: NS if e.indicator_code < "T3.2" else S,
                )
        EvidenceRecord.objects.bulk_create(records, batch_size=500)
        for record, record_lines in zip(records, lines, strict=True):
            for line in record_lines:
                line.evidence_id = record.pk
        EvidenceLine.objects.bulk_create(
            [line for group in lines for line in group], batch_size=1000
        )

    # Decisions through the real service (it checks the profile): every 20th trainee of the
    # complete ones is decided, one of them Not Yet Competent and appealed.
    decided = [t for i, t in enumerate(people) if i % 20 == 0]
    for k, t in enumerate(decided[: max(1, trainees // 40)]):
        if k == 1:
            decision = decision_record(
                assessor=assessor,
                trainee=t,
                unit=unit,
                course=course,
                outcome="not_yet_competent",
                reasons="T2.4 補登程序不完整",
                feedback="再練習補登程序",
                reassessment_on=today + datetime.timedelta(days=14),
                assessed_on=today,
            )
            appeal_lodge(trainee=t, decision=decision, reason="我已依程序完成補登")
        else:
            decision_record(
                assessor=assessor,
                trainee=t,
                unit=unit,
                course=course,
                outcome="competent",
                reasons="各指標證據充分",
                assessed_on=today,
            )
    return Scale(assessor=assessor, cohort=cohort, unit=unit, course=course, trainees=people)


def _dashboard_pages(scale: Scale) -> list[tuple[str, str, dict]]:
    from django.urls import reverse

    url = reverse("assessments:dashboard")
    return [
        ("/assess/ (all my trainees)", url, {}),
        ("/assess/ (the cohort)", url, {"cohort": scale.cohort.code}),
    ]


def measure(scale: Scale | None = None, client=None, *, repeat: int = 5, out=None) -> list[dict]:
    """Server time (median of `repeat` requests after one warm-up, in this process through
    Django's test client) and queries of /assess/ and its heat map for `scale`'s assessor
    (built with 500 trainees when None), printed beside the 250 ms target. Returns one dict
    per page: label, ms, queries, rows, status."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = out or sys.stdout
    if scale is None:
        scale = build(500)
    if client is None:
        client = Client()
        client.force_login(scale.assessor)
    results = []
    for label, url, params in _dashboard_pages(scale):
        response = client.get(url, params)  # warm-up (caches, templates)
        wall, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        html = response.content.decode()
        results.append(
            {
                "label": label,
                "status": response.status_code,
                "ms": statistics.median(wall),
                "min_ms": min(wall),
                "cpu_ms": statistics.median(cpu),
                "queries": len(queries.captured_queries),
                "shown": html.count("<tr data-trainee="),
                "heat_cells": html.count('<td class="heat-'),
            }
        )
    print(
        f"\nassessor dashboard (trainee table + heat map) at {len(scale.trainees)} trainees x "
        f"{len(_indicators(scale))} indicators; target {TARGET_MS} ms server time; "
        f"median of {repeat} in-process requests (wall, min wall, CPU)",
        file=out,
    )
    for r in results:
        wall_ok = r["status"] == 200 and r["ms"] <= TARGET_MS
        cpu_ok = r["status"] == 200 and r["cpu_ms"] <= TARGET_MS
        verdict = f"wall {'ok' if wall_ok else 'OVER'}, CPU {'ok' if cpu_ok else 'OVER'}"
        r["ok"] = wall_ok
        print(
            f"  {r['label']:<28} {r['ms']:7.1f} ms (min {r['min_ms']:.1f}, CPU {r['cpu_ms']:.1f})"
            f"  {r['queries']:3d} queries  {r['shown']} rows on the page, "
            f"{r['heat_cells']} heat-map cells  [{verdict}]",
            file=out,
        )
    return results


def _indicators(scale: Scale) -> list:
    from content.models.framework import Indicator

    return list(Indicator.objects.filter(unit=scale.unit))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile one request")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="assess-scale-"))
    # The test settings: base settings with DEBUG off, static files without a manifest.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"

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

    from wagtail.models import Locale

    from content.services.site import site_ensure_home
    from people.services import roles_sync

    Locale.objects.get_or_create(language_code="zh-hant")
    site_ensure_home()
    roles_sync()
    start = time.perf_counter()
    scale = build(args.trainees)
    print(f"built {args.trainees} trainees in {time.perf_counter() - start:.1f} s")
    results = measure(scale, repeat=args.repeat)
    if args.profile:
        import cProfile
        import pstats

        from django.test import Client

        client = Client()
        client.force_login(scale.assessor)
        for _label, url, params in _dashboard_pages(scale):
            profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
            profiler.enable()
            client.get(url, params)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.strict and not all(r["ok"] for r in results):
        raise SystemExit(f"over the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
