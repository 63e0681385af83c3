"""Course completion: which activities a course holds and how far trainees are through them.

The kinds of activity (lessons, quizzes, scenarios) and their status functions are the
table `ACTIVITY_KINDS` in training/activity_kinds.py. Which course rule applies to each kind
is `DEFAULT_RULES` below:
    content.LessonPage   required if course.require_all_lessons;        satisfied when done
    content.QuizPage     required if course.require_all_quizzes_passed; satisfied when passed
    content.ScenarioPage required if course.require_all_scenarios;      satisfied when done
                         and score >= course.scenario_min_score (the status function
                         reports the best or latest run's score per course.scenario_counting)
    any other kind       always required;                               satisfied when done
`register_activity_kind` adds or replaces a kind at run time, with other rules if given.

A course is complete when it has at least one required activity and all required
activities are satisfied. A retired activity (content/pages/retirement.py) is never
required; it stays in the outline only of trainees who started it, with their status, and
is never the next activity. The services that finish an activity record the course's
completion themselves (training/services/progress.py): once, with its time; it never flips
back."""

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from content.pages.course import CoursePage, ModulePage
from content.pages.retirement import is_retired
from training.activity_kinds import ACTIVITY_KINDS


@dataclass(frozen=True)
class ActivityStatus:
    started: bool = False
    done: bool = False  # finished (lesson completed, attempt submitted, run ended)
    passed: bool | None = None  # graded kinds only
    score: float | None = None  # 0..100, graded kinds only
    finished_at: datetime | None = None

    @classmethod
    def coerce(cls, value) -> "ActivityStatus":
        if isinstance(value, ActivityStatus):
            return value
        if isinstance(value, Mapping):
            known = {k: value[k] for k in cls.__dataclass_fields__ if k in value}
            status = cls(**known)
        else:
            status = cls(
                **{k: getattr(value, k) for k in cls.__dataclass_fields__ if hasattr(value, k)}
            )
        if status.done and not status.started:
            status = cls(**{**status.__dict__, "started": True})
        return status


NOT_STARTED = ActivityStatus()

StatusFn = Callable[..., Mapping]
RuleFn = Callable[[CoursePage], bool]
SatisfiedFn = Callable[[CoursePage, ActivityStatus], bool]


def _scenario_satisfied(course: CoursePage, status: ActivityStatus) -> bool:
    return status.done and (status.score or 0) >= course.scenario_min_score


DEFAULT_RULES: dict[str, tuple[RuleFn, SatisfiedFn]] = {
    "content.LessonPage": (lambda c: c.require_all_lessons, lambda c, s: s.done),
    "content.QuizPage": (lambda c: c.require_all_quizzes_passed, lambda c, s: bool(s.passed)),
    "content.ScenarioPage": (lambda c: c.require_all_scenarios, _scenario_satisfied),
}


@dataclass(frozen=True)
class ActivityKind:
    label: str  # "content.LessonPage"
    status_fn: StatusFn
    required: RuleFn
    satisfied: SatisfiedFn

    @property
    def model(self):
        return apps.get_model(self.label)

    def statuses(self, *, trainee_ids: list[int], pages: list, course: CoursePage) -> dict:
        if not pages or not trainee_ids:
            return {}
        raw = _call_status_fn(self.status_fn, trainee_ids, pages, course)
        return {key: ActivityStatus.coerce(value) for key, value in (raw or {}).items()}


def _activity_kind(
    label: str,
    status_fn: StatusFn,
    required: RuleFn | None = None,
    satisfied: SatisfiedFn | None = None,
) -> ActivityKind:
    default_required, default_satisfied = DEFAULT_RULES.get(
        label, (lambda c: True, lambda c, s: s.done)
    )
    return ActivityKind(
        label=label,
        status_fn=status_fn,
        required=required or default_required,
        satisfied=satisfied or default_satisfied,
    )


_KINDS: dict[str, ActivityKind] = {
    label: _activity_kind(label, status_fn) for label, status_fn in ACTIVITY_KINDS.items()
}


def register_activity_kind(
    page_model_label: str,
    status_fn: StatusFn,
    *,
    required: RuleFn | None = None,
    satisfied: SatisfiedFn | None = None,
) -> None:
    """Add (or replace) the activity kind of a page model at run time (tests swap a kind this
    way); the rules default to `DEFAULT_RULES`."""
    _KINDS[page_model_label] = _activity_kind(page_model_label, status_fn, required, satisfied)


def activity_kinds() -> dict[str, ActivityKind]:
    return dict(_KINDS)


def _call_status_fn(fn: StatusFn, trainee_ids, pages, course):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(trainee_ids, pages)
    kwargs = (
        {"course": course}
        if "course" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
        else {}
    )
    first = list(params.values())[:2]
    if all(p.kind is p.KEYWORD_ONLY for p in first):
        names = [p.name for p in first]
        return fn(**{names[0]: trainee_ids, names[1]: pages}, **kwargs)
    return fn(trainee_ids, pages, **kwargs)


def activity_started(*, trainee_id: int, page, course: CoursePage) -> bool:
    """Whether the trainee has a record of the activity (a retired page stays open to them).
    Queries: one call of the page kind's status function."""
    kind = _KINDS.get(page._meta.label)
    if kind is None:
        return False
    status = kind.statuses(trainee_ids=[trainee_id], pages=[page], course=course)
    return bool(status.get((trainee_id, page.pk), NOT_STARTED).started)


# --- Outline: the course's modules and activities in tree order -------------------------


@dataclass
class ModuleOutline:
    page: Page
    activities: list = field(default_factory=list)


@dataclass
class CourseOutline:
    course: CoursePage
    modules: list[ModuleOutline]
    activities: list  # specific pages, tree order
    kind_of: dict[int, ActivityKind]  # page id -> kind
    module_of: dict[int, Page]  # activity page id -> module page

    def position(self, page_id: int) -> int | None:
        for index, page in enumerate(self.activities):
            if page.pk == page_id:
                return index
        return None


def course_outline(course: CoursePage) -> CourseOutline:
    """Live modules of the course and the live activities in them, in tree order.
    Queries: one for the tree, one per activity kind present."""
    kinds = activity_kinds()
    ct_by_label = {
        label: ContentType.objects.get_for_model(kind.model) for label, kind in kinds.items()
    }
    module_ct = ContentType.objects.get_for_model(ModulePage)
    kind_by_ct = {ct.pk: kinds[label] for label, ct in ct_by_label.items()}
    rows = list(
        Page.objects.descendant_of(course)
        .live()
        .filter(
            depth__in=[course.depth + 1, course.depth + 2],
            content_type_id__in=[module_ct.pk, *kind_by_ct],
        )
        .order_by("path")
    )
    ids_by_kind: dict[str, list[int]] = {}
    for row in rows:
        if row.content_type_id in kind_by_ct and row.depth == course.depth + 2:
            ids_by_kind.setdefault(kind_by_ct[row.content_type_id].label, []).append(row.pk)
    specific: dict[int, Page] = {}
    for label, ids in ids_by_kind.items():
        queryset = kinds[label].model.objects.filter(pk__in=ids)
        if hasattr(queryset, "defer_streamfields"):
            queryset = queryset.defer_streamfields()
        specific.update({page.pk: page for page in queryset})

    modules: list[ModuleOutline] = []
    by_path: dict[str, ModuleOutline] = {}
    activities: list = []
    kind_of: dict[int, ActivityKind] = {}
    module_of: dict[int, Page] = {}
    for row in rows:
        if row.content_type_id == module_ct.pk and row.depth == course.depth + 1:
            outline = ModuleOutline(page=row)
            modules.append(outline)
            by_path[row.path] = outline
        elif row.pk in specific:
            parent = by_path.get(row.path[: -Page.steplen])
            if parent is None:
                continue
            page = specific[row.pk]
            parent.activities.append(page)
            activities.append(page)
            kind_of[page.pk] = kind_by_ct[row.content_type_id]
            module_of[page.pk] = parent.page
    return CourseOutline(
        course=course, modules=modules, activities=activities, kind_of=kind_of, module_of=module_of
    )


# --- Progress -----------------------------------------------------------------------------


@dataclass
class ActivityProgress:
    page: Page
    kind: ActivityKind
    status: ActivityStatus
    required: bool
    satisfied: bool
    retired: bool = False

    @property
    def state(self) -> str:
        if self.satisfied:
            return "done"
        if self.status.started:
            return "in_progress"
        return "not_started"


@dataclass
class ModuleProgress:
    page: Page
    activities: list[ActivityProgress]  # what the trainee sees (retired ones they started)

    @property
    def counted(self) -> list[ActivityProgress]:
        return [a for a in self.activities if not a.retired]

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def done(self) -> int:
        return sum(1 for a in self.counted if a.satisfied)

    @property
    def state(self) -> str:
        if self.counted and self.done == self.total:
            return "done"
        if any(a.status.started for a in self.activities):
            return "in_progress"
        return "not_started"


@dataclass
class CourseProgress:
    course: CoursePage
    trainee_id: int
    modules: list[ModuleProgress]
    activities: list[ActivityProgress]

    @property
    def required_total(self) -> int:
        return sum(1 for a in self.activities if a.required)

    @property
    def satisfied_total(self) -> int:
        return sum(1 for a in self.activities if a.required and a.satisfied)

    @property
    def percent(self) -> int:
        total = self.required_total
        return round(100 * self.satisfied_total / total) if total else 0

    @property
    def is_complete(self) -> bool:
        return self.required_total > 0 and self.satisfied_total == self.required_total

    @property
    def started(self) -> bool:
        return any(a.status.started for a in self.activities)

    def next_activity(self, after_page_id: int | None = None) -> ActivityProgress | None:
        """The first unsatisfied activity after `after_page_id` (wrapping round), or the
        first unsatisfied one in the course."""
        pending = [a for a in self.activities if not a.satisfied and not a.retired]
        if not pending:
            return None
        if after_page_id is not None:
            ids = [a.page.pk for a in self.activities]
            if after_page_id in ids:
                start = ids.index(after_page_id)
                for activity in self.activities[start:]:
                    if not activity.satisfied and not activity.retired:
                        return activity
        return pending[0]


def course_progress(
    *, course: CoursePage, trainee_ids: Iterable[int], outline: CourseOutline | None = None
) -> dict[int, CourseProgress]:
    """Progress of each trainee through the course. Queries: the outline's plus one call of
    each kind's status function for all trainees at once. Retired activities appear only
    for trainees who started them, and are never required."""
    outline = outline or course_outline(course)
    trainee_ids = list(trainee_ids)
    pages_by_kind: dict[str, list] = {}
    for page in outline.activities:
        pages_by_kind.setdefault(outline.kind_of[page.pk].label, []).append(page)
    statuses: dict = {}
    kinds = {kind.label: kind for kind in outline.kind_of.values()}
    for label, pages in pages_by_kind.items():
        statuses.update(kinds[label].statuses(trainee_ids=trainee_ids, pages=pages, course=course))

    result: dict[int, CourseProgress] = {}
    for trainee_id in trainee_ids:
        by_page: dict[int, ActivityProgress] = {}
        for page in outline.activities:
            kind = outline.kind_of[page.pk]
            status = statuses.get((trainee_id, page.pk), NOT_STARTED)
            retired = is_retired(page)
            if retired and not status.started:
                continue  # hidden from trainees who never started it
            by_page[page.pk] = ActivityProgress(
                page=page,
                kind=kind,
                status=status,
                required=not retired and bool(kind.required(course)),
                satisfied=bool(kind.satisfied(course, status)),
                retired=retired,
            )
        modules = [
            ModuleProgress(
                page=m.page, activities=[by_page[a.pk] for a in m.activities if a.pk in by_page]
            )
            for m in outline.modules
        ]
        result[trainee_id] = CourseProgress(
            course=course,
            trainee_id=trainee_id,
            modules=modules,
            activities=[by_page[p.pk] for p in outline.activities if p.pk in by_page],
        )
    return result
