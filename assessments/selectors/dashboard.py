"""The assessor dashboard: each trainee's status and needs, and the cohort heat map, in a fixed
number of queries whatever the number of trainees. Every trainee in view is judged (for the
status counts and the status filter) from `indicator_summaries`, the bulk form of the
profile's rules; a page of them is shown, those who need the assessor first."""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from assessments.models.decisions import Decision
from assessments.selectors.decisions import current_decisions, open_appeal_trainee_ids
from assessments.selectors.profile import indicator_summaries, unit_indicators
from assessments.sufficiency import Rule, Summary
from content.models.framework import AssessmentMethod, Indicator
from training.models.enrolment import Enrolment

PAGE_SIZE = 50


class Status:
    NOT_STARTED = "not_started"
    IN_TRAINING = "in_training"
    READY = "ready"
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"
    APPEAL_OPEN = "appeal_open"

    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_TRAINING: _("In training"),
        READY: _("Ready for assessment"),
        COMPETENT: _("Assessed competent"),
        NOT_YET_COMPETENT: _("Not yet competent"),
        APPEAL_OPEN: _("Appeal open"),
    }
    # The order of the list: what waits for the assessor first.
    ORDER = (APPEAL_OPEN, READY, NOT_YET_COMPETENT, IN_TRAINING, NOT_STARTED, COMPETENT)


HEAT_SYMBOLS = {"met": "✓", "partial": "½", "attempted": "✗", "none": "·"}


def heat(summary: Summary) -> str:
    """CSS class suffix for the heat map (as the profile's IndicatorRow.heat)."""
    if summary.met:
        return "met"
    if summary.any_ok:
        return "partial"
    if summary.attempted:
        return "attempted"
    return "none"


@dataclass
class Cell:
    """One indicator of one trainee in the heat map."""

    indicator: Indicator
    summary: Summary
    heat: str
    symbol: str
    method_labels: tuple[str, ...]  # the methods of its satisfactory evidence, as read


class _Cells:
    """Builds heat-map cells once per distinct summary (most trainees share them)."""

    def __init__(self, indicators: list[Indicator]):
        self.indicators = indicators
        self.labels = dict(AssessmentMethod.choices)
        self.known: dict[tuple[int, Summary], Cell] = {}

    def __call__(self, summaries: list[Summary]) -> list[Cell]:
        cells = []
        for indicator, summary in zip(self.indicators, summaries, strict=True):
            key = (indicator.pk, summary)
            if key not in self.known:
                kind = heat(summary)
                self.known[key] = Cell(
                    indicator,
                    summary,
                    kind,
                    HEAT_SYMBOLS[kind],
                    tuple(str(self.labels.get(m, m)) for m in summary.methods),
                )
            cells.append(self.known[key])
        return cells


@dataclass
class TraineeRow:
    trainee: object
    status: str
    summaries: list[Summary]
    decision: Decision | None
    rule: Rule
    cell_maker: _Cells

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @cached_property
    def cells(self) -> list[Cell]:
        """The heat-map row (built for the rows shown)."""
        return self.cell_maker(self.summaries)

    @property
    def needs(self) -> list[str]:
        out = []
        for indicator, summary in zip(self.cell_maker.indicators, self.summaries, strict=True):
            parts = []
            if self.rule.require_performance_method and not summary.performance_ok:
                parts.append(str(_("performance")))
            if self.rule.require_knowledge_check and not summary.knowledge_ok:
                parts.append(str(_("knowledge")))
            if not parts and not summary.met:
                parts.append(str(_("evidence")))
            if parts:
                out.append(f"{indicator.code} {'/'.join(parts)}")
        return out


@dataclass
class Dashboard:
    indicators: list[Indicator]
    rows: list[TraineeRow]  # every trainee in view (after the status filter), in list order
    page: Page  # the rows shown
    status_counts: list[tuple[str, str, int]]  # (label, status, trainees), before the filter


def _status(trainee_id, complete, attempted, decision, appeals, enrolled) -> str:
    if trainee_id in appeals:
        return Status.APPEAL_OPEN
    if decision is not None and decision.outcome == Decision.Outcome.COMPETENT:
        return Status.COMPETENT
    if decision is not None:
        return Status.NOT_YET_COMPETENT
    if complete:
        return Status.READY
    if trainee_id in enrolled or attempted:
        return Status.IN_TRAINING
    return Status.NOT_STARTED


def trainee_rows(*, trainees, unit, course=None) -> tuple[list[Indicator], list[TraineeRow]]:
    """Every trainee of `trainees` (a queryset of users, in their order) with status and
    heat-map cells."""
    # What the list shows of a trainee (the printed name), not whole accounts.
    trainees = list(
        trainees.only("pk", "username", "first_name", "last_name", "profile__full_name")
    )
    ids = [t.pk for t in trainees]
    indicators = unit_indicators(unit) if unit is not None else []
    rule = Rule.for_course(course)
    summaries = indicator_summaries(
        trainee_ids=ids, unit=unit, course=course, indicators=indicators
    )
    if unit is None or not ids:
        decisions, appeals, enrolled = {}, set(), set()
    else:
        decisions = current_decisions(trainee_ids=ids, unit=unit)
        appeals = open_appeal_trainee_ids(trainee_ids=ids, unit=unit)
        enrolled = set(
            Enrolment.objects.filter(trainee_id__in=ids, course__unit=unit).values_list(
                "trainee_id", flat=True
            )
        )
    cell_maker = _Cells(indicators)
    rows = []
    for trainee in trainees:
        judged = summaries[trainee.pk]
        decision = decisions.get(trainee.pk)
        status = _status(
            trainee.pk,
            bool(judged) and all(s.met for s in judged),
            any(s.attempted for s in judged),
            decision,
            appeals,
            enrolled,
        )
        rows.append(TraineeRow(trainee, status, judged, decision, rule, cell_maker))
    return indicators, rows


def dashboard(
    *, trainees, unit, course=None, status: str | None = None, page: object = 1
) -> Dashboard:
    """The dashboard of `trainees`: the status counts of all of them, the list filtered to
    `status` (one of Status.LABELS; anything else is no filter), those who need the
    assessor first (appeals, ready for assessment, not yet competent, ...), then by name,
    and page `page` of it (PAGE_SIZE rows; a page out of range is the nearest page)."""
    indicators, rows = trainee_rows(trainees=trainees, unit=unit, course=course)
    counts = dict.fromkeys(Status.LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    if status in Status.LABELS:
        rows = [row for row in rows if row.status == status]
    rank = {key: n for n, key in enumerate(Status.ORDER)}
    rows.sort(key=lambda row: rank[row.status])  # stable: by name within a status
    return Dashboard(
        indicators=indicators,
        rows=rows,
        page=Paginator(rows, PAGE_SIZE).get_page(page),
        status_counts=[(Status.LABELS[k], k, v) for k, v in counts.items()],
    )
