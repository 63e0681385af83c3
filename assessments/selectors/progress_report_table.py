"""The progress report as a table, shared by Reports > Progress report (admins, training
managers) and the assessors' /assess/progress/: which columns an audience sees, each row's
cells as shown and its values as exported, and the orderings offered.

Two audiences: FULL (admins, and assessors on the trainees in their scope) sees everything;
ROLLOUT (training managers) sees completion, quiz grades, scenario scores and the
certificate number, never evidence or decisions (assessment records reach only those who
assess). With a course chosen, each quiz and each scenario of that course is a column of its
own (as in Moodle's gradebook); otherwise they are summed up per row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.decisions import Decision
from assessments.selectors.progress_report_details import (
    CourseActivities,
    ProgressDetail,
    course_activities,
    progress_details,
)

FULL = "full"
ROLLOUT = "rollout"

GOOD, BAD, WAITING = "good", "bad", "waiting"
OUTCOME_LABELS = dict(Decision.Outcome.choices)

# Ordering key -> field of `progress_rows()`; ROLLOUT_HIDDEN_SORTS are FULL only.
SORTS = {
    "name": "trainee__profile__full_name",
    "employee_number": "trainee__profile__employee_number",
    "store": "trainee__profile__store__name",
    "cohort": "cohort__name",
    "course": "course__title",
    "lessons": "lessons_done",
    "decision": "decision_outcome",
    "certificate": "certificate_number",
}
ROLLOUT_HIDDEN_SORTS = frozenset({"decision"})


def trainee_page_url(trainee_id: int) -> str:
    """Where a name in the FULL report leads: the assessor's page of that trainee."""
    return reverse("assessments:trainee", args=[trainee_id])


def valid_sorts(audience: str) -> list[str]:
    keys = [k for k in SORTS if audience == FULL or k not in ROLLOUT_HIDDEN_SORTS]
    return [*keys, *(f"-{key}" for key in keys)]


def order_rows(queryset, ordering: str, audience: str):
    if ordering not in valid_sorts(audience):
        ordering = "name"
    column = F(SORTS[ordering.lstrip("-")])
    # Empty cells last both ways, on every database (PostgreSQL puts NULL first descending).
    key = column.desc(nulls_last=True) if ordering.startswith("-") else column.asc(nulls_last=True)
    return queryset.order_by(key, "pk")


@dataclass(frozen=True)
class ReportColumn:
    key: str
    label: str
    sort: str | None = None
    in_table: bool = True
    in_export: bool = True
    numeric: bool = False  # right-aligned figures
    wrap: bool = False  # long names (store, cohort, course) may wrap onto a second line

    @property
    def classname(self) -> str:
        if self.numeric:
            return "progress-report__figure"
        return "progress-report__wrap" if self.wrap else ""


@dataclass(frozen=True)
class Cell:
    text: str = ""
    tone: str = ""  # GOOD / BAD / WAITING, shown as a status tag
    note: str = ""  # a second, smaller line (a date, "awaiting moderation")
    url: str = ""
    tone_text: str = ""  # what the tone means, for screen readers ("not passed")

    def __str__(self) -> str:
        return self.text


@dataclass
class ProgressRow:
    enrolment: object
    cells: dict[str, Cell] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)

    def cell(self, key: str) -> Cell:
        return self.cells.get(key, Cell())


def percent_text(value) -> str:
    return _("%(value)s %%") % {"value": f"{round(float(value), 1):g}"}


def _figure(value) -> float | int | str:
    if value is None:
        return ""
    value = round(float(value), 1)
    return int(value) if value == int(value) else value


def report_columns(*, audience: str, activities: CourseActivities | None) -> list[ReportColumn]:
    """The columns, in order; `activities` of the chosen course, None for all courses."""
    full = audience == FULL
    cols = [
        ReportColumn("name", gettext_lazy("Printed name"), "name"),
        ReportColumn("employee_number", gettext_lazy("Employee number"), "employee_number"),
        ReportColumn("store", gettext_lazy("Store"), "store", wrap=True),
        ReportColumn("cohort", gettext_lazy("Cohort"), "cohort", wrap=True),
        # With a course chosen, its name is the filter's: not repeated on every row.
        ReportColumn(
            "course", gettext_lazy("Course"), "course", in_table=activities is None, wrap=True
        ),
        ReportColumn("lessons", gettext_lazy("Lessons completed"), "lessons", in_export=False),
        ReportColumn("lessons_done", gettext_lazy("Lessons completed"), in_table=False),
        ReportColumn("lessons_total", gettext_lazy("Lessons in course"), in_table=False),
        ReportColumn("lessons_percent", gettext_lazy("Lessons completed (%)"), in_table=False),
    ]
    if activities is not None:
        cols += [
            ReportColumn(f"quiz_{quiz.pk}", quiz.title, numeric=True) for quiz in activities.quizzes
        ]
    cols += [
        ReportColumn("quizzes", gettext_lazy("Quizzes passed"), in_export=False),
        ReportColumn("quizzes_passed", gettext_lazy("Quizzes passed"), in_table=False),
        ReportColumn("quizzes_total", gettext_lazy("Quizzes in course"), in_table=False),
    ]
    if activities is not None:
        cols += [
            ReportColumn(f"scenario_{page.pk}", page.title, numeric=True)
            for page in activities.scenarios
        ]
    cols += [
        ReportColumn("scenarios", gettext_lazy("Scenarios"), in_export=False),
        ReportColumn("scenarios_done", gettext_lazy("Scenarios finished"), in_table=False),
        ReportColumn("scenarios_total", gettext_lazy("Scenarios in course"), in_table=False),
        ReportColumn(
            "scenarios_average", gettext_lazy("Average scenario score (%)"), in_table=False
        ),
    ]
    if full:
        cols += [
            ReportColumn("evidence", gettext_lazy("Evidence"), in_export=False),
            ReportColumn(
                "indicators_met",
                gettext_lazy("Indicators with sufficient evidence"),
                in_table=False,
            ),
            ReportColumn("indicators_total", gettext_lazy("Indicators in unit"), in_table=False),
            ReportColumn("decision", gettext_lazy("Decision"), "decision"),
            ReportColumn("decision_status", gettext_lazy("Decision status"), in_table=False),
            ReportColumn("decision_on", gettext_lazy("Decision date")),
        ]
    cols.append(ReportColumn("certificate", gettext_lazy("Certificate number"), "certificate"))
    return cols


def _graded_cell(score, passed) -> Cell:
    if passed:
        return Cell(percent_text(score), GOOD, tone_text=_("passed"))
    return Cell(percent_text(score), BAD, tone_text=_("not passed"))


def _quiz_cell(status) -> tuple[Cell, object]:
    if status is None:
        return Cell("—"), ""
    if status.score is None:
        if status.done:
            text = _("Awaiting marking")
            return Cell(text, WAITING), text
        return Cell(_("In progress")), ""
    return _graded_cell(status.score, status.passed), _figure(status.score)


def _scenario_cell(status) -> tuple[Cell, object]:
    if not status:
        return Cell("—"), ""
    if not status.get("done"):
        return Cell(_("In progress")), ""
    return _graded_cell(status["score"], status.get("passed")), _figure(status["score"])


def _decision_status(enrolment, detail: ProgressDetail) -> tuple[str, str]:
    """(status text, tone) of the latest decision."""
    outcome = enrolment.decision_outcome
    if not outcome:
        return _("No decision yet"), ""
    if detail.appeal_open:
        return _("Appeal open"), WAITING
    if outcome == Decision.Outcome.COMPETENT and detail.awaiting_moderation:
        return _("Awaiting moderation"), WAITING
    return "", GOOD if outcome == Decision.Outcome.COMPETENT else BAD


def build_row(
    enrolment,
    detail: ProgressDetail,
    *,
    audience: str,
    with_activities: bool,
    trainee_url=None,
) -> ProgressRow:
    full = audience == FULL
    row = ProgressRow(enrolment)
    cells, values = row.cells, row.values

    def put(key, cell: Cell, value=None):
        cells[key] = cell
        values[key] = cell.text if value is None else value

    profile = getattr(enrolment.trainee, "profile", None)
    name = (profile.full_name if profile else "") or enrolment.trainee.get_username()
    url = trainee_url(enrolment.trainee_id) if (full and trainee_url) else ""
    put("name", Cell(name, url=url))
    put("employee_number", Cell(profile.employee_number if profile else ""))
    put("store", Cell(profile.store.name if profile and profile.store else ""))
    if enrolment.cohort:
        cohorts = enrolment.cohort.name
    else:  # enrolled one by one: the cohorts the trainee belongs to
        cohorts = "、".join(c.name for c in profile.cohorts.all()) if profile else ""
    put("cohort", Cell(cohorts))
    put("course", Cell(enrolment.course.title))

    done, total = enrolment.lessons_done, enrolment.lessons_total or 0
    percent = round(100 * done / total) if total else 0
    lessons = _("%(done)s / %(total)s (%(percent)s %%)") % {
        "done": done,
        "total": total,
        "percent": percent,
    }
    put("lessons", Cell(lessons, GOOD if total and done >= total else ""))
    values.update(lessons_done=done, lessons_total=total, lessons_percent=percent)

    n_quizzes = len(detail.quizzes)
    for quiz, status in detail.quizzes:
        if with_activities:
            put(f"quiz_{quiz.pk}", *_quiz_cell(status))
    passed = detail.quizzes_passed
    put(
        "quizzes",
        Cell(
            _("%(passed)s / %(total)s passed") % {"passed": passed, "total": n_quizzes}
            if n_quizzes
            else "—",
            GOOD if n_quizzes and passed == n_quizzes else "",
        ),
    )
    values.update(quizzes_passed=passed, quizzes_total=n_quizzes)

    n_scenarios = len(detail.scenarios)
    for page, status in detail.scenarios:
        if with_activities:
            put(f"scenario_{page.pk}", *_scenario_cell(status))
    finished, average = len(detail.scenarios_done), detail.scenarios_average
    if not n_scenarios:
        text = "—"
    elif average is None:
        text = _("%(done)s / %(total)s finished") % {"done": finished, "total": n_scenarios}
    else:
        text = _("%(done)s / %(total)s finished, average %(average)s %%") % {
            "done": finished,
            "total": n_scenarios,
            "average": average,
        }
    put("scenarios", Cell(text))
    values.update(
        scenarios_done=finished, scenarios_total=n_scenarios, scenarios_average=_figure(average)
    )

    if full:
        met, of = detail.indicators_met, detail.indicators_total
        if met is None or not of:
            evidence = Cell("—")
        else:
            evidence = Cell(
                _("%(met)s / %(total)s indicators") % {"met": met, "total": of},
                GOOD if met == of else "",
            )
        put("evidence", evidence)
        values.update(indicators_met="" if met is None else met, indicators_total=of if of else "")
        outcome = enrolment.decision_outcome
        status_text, tone = _decision_status(enrolment, detail)
        label = str(OUTCOME_LABELS.get(outcome, "")) if outcome else ""
        cells["decision"] = Cell(label or status_text, tone if label else "", label and status_text)
        values["decision"] = label
        values["decision_status"] = status_text
        put("decision_on", Cell(enrolment.decision_on.isoformat() if enrolment.decision_on else ""))
    put("certificate", Cell(enrolment.certificate_number or ""))
    return row


def report_rows(
    enrolments,
    *,
    audience: str,
    activities: CourseActivities | None = None,
    trainee_url=None,
) -> list[ProgressRow]:
    """The rows of these annotated enrolments (`progress_rows`, one page or all of them for
    an export); `activities` of the chosen course when there is one."""
    enrolments = list(enrolments)
    known = None
    if activities is not None and enrolments:
        known = dict.fromkeys({e.course_id for e in enrolments}, activities)
    details = progress_details(enrolments, with_evidence=audience == FULL, activities=known)
    return [
        build_row(
            enrolment,
            details[enrolment.pk],
            audience=audience,
            with_activities=activities is not None,
            trainee_url=trainee_url,
        )
        for enrolment in enrolments
    ]


def chosen_course_activities(course) -> CourseActivities | None:
    return course_activities([course])[course.pk] if course is not None else None
