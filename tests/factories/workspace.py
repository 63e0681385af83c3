"""Assessor workspace test data: a small unit with a course, a cohort the assessor is assigned
to, and helpers that record evidence through the real services."""

import datetime
import io
import itertools
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models.evidence import KIND_METHOD, EvidenceKind, ItemResult
from assessments.selectors.checklist import observation_checklist
from assessments.services.evidence import (
    ItemJudgement,
    OralAnswer,
    observation_draft_start,
    observation_submit,
    questioning_record,
)
from assessments.services.workspace import assessor_assignment_create, oral_question_create
from content.models.framework import Indicator
from content.models.observation import ObservationContext
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.services.review import review_workflow_ensure
from people.models import Cohort
from tests.factories.framework import make_framework_unit, make_observation
from training.models.enrolment import Enrolment

_seq = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    """The same bytes on every call: a member added by name would carry the current time,
    so two calls a second apart would differ."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<w:document/>"),
        ):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_course(unit, **rules) -> CoursePage:
    """A course on `unit`. A new course requires performance evidence from two occasions on
    different dates; these fixtures record one occasion unless a test is about sufficiency
    (tests/assessments/test_evidence_rules.py), so they ask for one unless told otherwise."""
    rules.setdefault("min_performance_occasions", 1)
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(title="課程", slug=f"ws-courses-{next(_seq)}")
        )
        review_workflow_ensure(page=index)
    n = next(_seq)
    return index.add_child(
        instance=CoursePage(title=f"評量課程 {n}", slug=f"ws-course-{n}", unit=unit, **rules)
    )


@dataclass
class Workspace:
    unit: object
    course: CoursePage
    cohort: Cohort
    indicators: list


def workspace_build(*, assessor, trainees, tasks: int = 2, per_task: int = 2, **rules) -> Workspace:
    unit = make_framework_unit(tasks=tasks, indicators_per_task=per_task)
    course = make_course(unit, **rules)
    cohort = Cohort.objects.create(code=f"ws-{next(_seq)}", name="評量梯次")
    for trainee in trainees:
        trainee.profile.cohorts.add(cohort)
        Enrolment.objects.create(trainee=trainee, course=course, source=Enrolment.Source.COHORT)
    if assessor is not None:
        assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order"))
    make_observation(indicators[0], text="主動說明點數方案")
    return Workspace(unit, course, cohort, indicators)


def record_observation(
    *,
    assessor,
    trainee,
    ws: Workspace,
    result: str = ItemResult.SATISFACTORY,
    kind: str = EvidenceKind.OBSERVATION,
    on: datetime.date | None = None,
    indicators=None,
    context: str | None = None,
):
    """An observation judging every behaviour of `indicators` (all of the workspace's) in
    `context` (the till; a role play is in the role play). An indicator with no behaviour
    observable there gets one first, so the observation can mark it."""
    if context is None:
        context = (
            ObservationContext.ROLE_PLAY
            if kind == EvidenceKind.ROLE_PLAY
            else ObservationContext.TILL
        )
    wanted = list(indicators or ws.indicators)
    offered = {e.indicator_id for e in observation_checklist(ws.unit, kind, context)}
    for indicator in wanted:
        if indicator.pk not in offered:
            make_observation(
                indicator,
                method=KIND_METHOD[kind],
                text=f"可觀察的行為 {indicator.code}",
                contexts=[context],
            )
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind=kind, context=context
    )
    wanted_ids = {i.pk for i in wanted}
    items = [
        ItemJudgement(
            entry, result if entry.indicator_id in wanted_ids else ItemResult.NOT_OBSERVED, ""
        )
        for entry in observation_checklist(ws.unit, kind, context)
    ]
    return observation_submit(
        draft=draft,
        assessor=assessor,
        occurred_on=on or timezone.localdate(),
        place="台北信義店",
        environment="real",
        summary="櫃台服務",
        items=items,
    )


def record_questioning(
    *,
    assessor,
    trainee,
    ws: Workspace,
    result: str = ItemResult.SATISFACTORY,
    on: datetime.date | None = None,
    indicators=None,
):
    answers = []
    for ind in indicators or ws.indicators:
        q = oral_question_create(
            author=assessor,
            unit=ws.unit,
            indicator=ind,
            text=f"請說明 {ind.code}",
            model_answer="標準答案",
        )
        answers.append(OralAnswer(q, "學員回答", result))
    return questioning_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        occurred_on=on or timezone.localdate(),
        place="",
        answers=answers,
    )


def give_complete_evidence(*, assessor, trainee, ws: Workspace) -> None:
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
