"""Units, courses and decisions for certificate tests (decisions created with the ORM)."""

import datetime
import itertools

from assessments.models.decisions import Decision
from content.models.framework import CompetencyUnit, WorkTask
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.services.review import review_workflow_ensure

_seq = itertools.count(1)

TASK_TITLES = (
    "確認客戶忠誠度方案的細節",
    "提升客戶參與忠誠度方案",
    "提供客戶忠誠度方案獎勵",
    "查看客戶響應忠誠度方案",
)


def make_unit(code: str | None = None) -> CompetencyUnit:
    n = next(_seq)
    code = code or f"CRT{n:03d}v2"
    unit = CompetencyUnit.objects.create(
        code=code,
        base_code=code[:-2],
        version="v2",
        title="提升客戶忠誠度方案",
        title_en="Promote customer loyalty programs",
        level=4,
        framework_name="iCAP",
    )
    for i, title in enumerate(TASK_TITLES, start=1):
        WorkTask.objects.create(unit=unit, number=i, code=f"T{i}", title=title, sort_order=i)
    return unit


def make_course(
    unit: CompetencyUnit, *, auto_issue: bool = False, valid_months: int | None = None
) -> CoursePage:
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=CourseIndexPage(title="課程", slug=f"courses-{next(_seq)}"))
        review_workflow_ensure(page=index)
    n = next(_seq)
    return index.add_child(
        instance=CoursePage(
            title=f"顧客忠誠度課程 {n}",
            slug=f"course-{n}",
            unit=unit,
            auto_issue_certificate=auto_issue,
            certificate_valid_months=valid_months,
        )
    )


def make_decision(
    *, trainee, assessor, unit, course=None, outcome=Decision.Outcome.COMPETENT, corrects=None
) -> Decision:
    return Decision.objects.create(
        trainee=trainee,
        unit=unit,
        course=course,
        assessor=assessor,
        outcome=outcome,
        reasons="所有指標均有足夠證據。",
        assessed_on=datetime.date(2026, 11, 20),
        corrects=corrects,
    )
