"""The mapping matrix: for each indicator, knowledge / skill item and key evidence item of a
unit, what TEACHES it (published lessons) apart from what ASSESSES it (instruments that can
produce evidence, by assessment method), what is held apart and never counted (not yet
published or in review, retired, practice only, in no assessment quiz, no method), and the
gaps. One computation feeds the screen, the CSV / XLSX / PDF exports, the course publish
gate and `manage.py coverage_report`.

What counts (each model declares its `mapping_role`, content/models/mapping.py):
- lessons teach, whatever they are tagged with; they never fill a method cell;
- pages, and items held by pages (scenario choices), count only while the page is live and
  not retired; a scenario counts as role play only with assessment runs;
- questions and observation items count only when live; criteria of an instrument (role-play
  script, portfolio task, customer-feedback form, third-party prompts) count only while it
  is live and its live revision has been validated by a second assessor; for a course, a question counts
  as assessed only if a live summative quiz of the course can show it (fixed, per tag, per
  indicator or by blueprint; practice questions are never drawn into assessments,
  content/selectors/quiz_pool.py); for a unit, any course on it. Questions in practice
  quizzes only are listed as taught.
Blank items (no text, e.g. K5.1) stay in the unit but are not rows.

Gap rules: an indicator needs a knowledge check and a performance method (as the course's
rule says); a knowledge item and a key evidence item need at least one assessed instrument;
a skill item needs a performance instrument (observation, role play, third-party report).

Queries are fixed whatever the number of items: the unit's rows (2 queries), the quizzes
that can draw questions (a handful), then per mapped model one query per M2M table and one
for the items themselves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Model, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import DraftStateMixin, Page

from content.models.framework import AssessmentMethod, CompetencyItem, CompetencyUnit, Indicator
from content.models.mapping import MAPPABLE_ITEMS, TEACHES, mapped_models
from content.models.questions import Question, QuestionTag
from content.pages.course import CoursePage
from content.pages.quiz import QuizBlueprintRow, QuizPage, QuizQuestion
from content.selectors.instruments import validated_instrument_ids
from content.selectors.quiz_pool import formative_question_ids

TAUGHT_LABEL = gettext_lazy("Taught (not evidence)")
HELD_LABEL = gettext_lazy("Not counted (not yet published / in review, practice, other)")
KIND_LABELS = {
    "indicator": gettext_lazy("Indicator"),
    CompetencyItem.Kind.KNOWLEDGE: gettext_lazy("Knowledge"),
    CompetencyItem.Kind.SKILL: gettext_lazy("Skill"),
    CompetencyItem.Kind.ATTITUDE: gettext_lazy("Attitude"),
    CompetencyItem.Kind.EVIDENCE: gettext_lazy("Key evidence"),
}
# Why an item is held apart (never counted), or listed as taught although it is a question.
NOT_PUBLISHED = gettext_lazy("not yet published / in review")
RETIRED = gettext_lazy("retired")
PRACTICE_QUIZ = gettext_lazy("practice quiz only")
PRACTICE_RUNS = gettext_lazy("practice runs only")
NOT_DRAWN = gettext_lazy("in no assessment quiz")
NO_METHOD = gettext_lazy("no assessment method")
NOT_VALIDATED = gettext_lazy("not yet validated by a second assessor")

TAUGHT, ASSESSED, HELD = "taught", "assessed", "held"


@dataclass(frozen=True)
class MatrixEntry:
    label: str
    url: str | None
    kind: str  # the model's verbose name
    method: str
    note: str = ""  # why it is held apart, or what kind of teaching it is

    @property
    def display(self) -> str:
        return f"{self.label} ({self.note})" if self.note else self.label


@dataclass
class MatrixRow:
    kind: str  # "indicator" | "knowledge" | "skill" | "attitude" | "evidence"
    code: str
    text: str
    depth: int = 0
    taught: list[MatrixEntry] = field(default_factory=list)
    cells: dict[str, list[MatrixEntry]] = field(default_factory=dict)  # assessed, by method
    held: list[MatrixEntry] = field(default_factory=list)  # never counted
    gaps: list[str] = field(default_factory=list)
    _methods: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def covered(self) -> bool:
        """Whether any instrument assesses the row (teaching does not cover it)."""
        return any(self.cells.values())

    @property
    def has_gap(self) -> bool:
        return bool(self.gaps)

    def cell_list(self, methods: list[tuple[str, str]]) -> list[list[MatrixEntry]]:
        return [self.cells.get(value, []) for value, _label in methods]

    @property
    def cell_lists(self) -> list[list[MatrixEntry]]:
        """The assessed cells in the matrix's method order (for templates)."""
        return self.cell_list(self._methods)

    @property
    def cell_counts(self) -> list[int]:
        return [len(cell) for cell in self.cell_lists]


@dataclass
class MappingMatrix:
    unit: CompetencyUnit
    course: Page | None
    methods: list[tuple[str, str]]  # (value, label): the five assessment methods
    rows: list[MatrixRow]
    require_knowledge_check: bool
    require_performance_method: bool
    item_count: int = 0  # every mapped item placed (taught, assessed or held apart)
    assessed_count: int = 0
    taught_count: int = 0
    held_count: int = 0

    @property
    def gaps(self) -> list[str]:
        return [gap for row in self.rows for gap in row.gaps]

    @property
    def gap_codes(self) -> list[str]:
        return [row.code for row in self.rows if row.gaps]

    @property
    def indicator_rows(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.kind == "indicator"]

    @property
    def uncovered_items(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.kind != "indicator" and not r.covered]

    @property
    def held_rows(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.held]


def _select_related_for(model: type[Model]) -> list[str]:
    """What `mapping_label()` is likely to read: the model may say so with a
    `mapping_select_related` attribute; otherwise its required forward foreign keys (e.g. the
    scenario page of a choice, the indicator of an observation item)."""
    declared = getattr(model, "mapping_select_related", None)
    if declared is not None:
        return list(declared)
    if issubclass(model, Page):
        return []
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.many_to_one and not f.null and f.related_model is not None
    ]


def _page_parent_field(model: type[Model]) -> str | None:
    """For non-page items held by a page (a scenario choice): the FK to that page."""
    for f in model._meta.concrete_fields:
        if f.many_to_one and f.related_model is not None and issubclass(f.related_model, Page):
            return f.name
    return None


def _edit_url(obj) -> str | None:
    url = obj.mapping_edit_url()
    if url:
        return url
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    viewset = getattr(type(obj), "snippet_viewset", None)
    if viewset is not None:
        try:
            return reverse(viewset.get_url_name("edit"), args=[obj.pk])
        except NoReverseMatch:
            return None
    return None


def _links(model, field_name: str, target_ids: set[int]) -> dict[int, list[int]]:
    """item pk -> target pks, read straight from the M2M table (one query)."""
    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    out: dict[int, list[int]] = defaultdict(list)
    rows = through._default_manager.filter(**{f"{target}_id__in": target_ids}).values_list(
        f"{source}_id", f"{target}_id"
    )
    for item_id, target_id in rows:
        out[item_id].append(target_id)
    return out


def _course_unit_rules(course) -> tuple[bool, bool]:
    if course is None:
        return True, True
    return (
        bool(getattr(course, "require_knowledge_check", True)),
        bool(getattr(course, "require_performance_method", True)),
    )


# --------------------------------------------------------------------------- quizzes


@dataclass(frozen=True)
class QuizReach:
    assessed: set[int]  # live questions a live summative quiz in scope can show
    practice: set[int]  # questions the unit's practice quizzes show


def quiz_reach(unit: CompetencyUnit, course: Page | None) -> QuizReach:
    """Which questions the live summative quizzes of `course` (of every course on `unit`
    when None) can show: their fixed questions, and what their draws (per tag, per
    indicator, by blueprint) can pick, less the practice questions every draw leaves out.
    A fixed number of queries."""
    practice = formative_question_ids(unit_id=unit.pk)
    if course is not None:
        paths = [course.path]
    else:
        paths = list(CoursePage.objects.filter(unit=unit).values_list("path", flat=True))
    if not paths:
        return QuizReach(assessed=set(), practice=practice)
    quizzes = list(
        QuizPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
        .filter(purpose=QuizPage.Purpose.SUMMATIVE, retired=False)
        .only("pk", "selection", "draw_tags")
    )
    by_selection: dict[str, list[QuizPage]] = defaultdict(list)
    for quiz in quizzes:
        by_selection[quiz.selection].append(quiz)
    fixed: set[int] = set()
    if by_selection[QuizPage.Selection.FIXED]:
        fixed = set(
            QuizQuestion.objects.filter(
                page_id__in=[q.pk for q in by_selection[QuizPage.Selection.FIXED]],
                question__live=True,
            ).values_list("question_id", flat=True)
        )
    drawn: set[int] = set()
    tags = {t for q in by_selection[QuizPage.Selection.PER_TAG] for t in q.tag_names}
    if tags:
        drawn |= set(
            QuestionTag.objects.filter(tag__name__in=tags, content_object__live=True).values_list(
                "content_object_id", flat=True
            )
        )
    through = Question.indicators.through
    if by_selection[QuizPage.Selection.PER_INDICATOR]:
        drawn |= set(
            through.objects.filter(indicator__unit=unit, question__live=True).values_list(
                "question_id", flat=True
            )
        )
    if by_selection[QuizPage.Selection.BLUEPRINT]:
        rows = QuizBlueprintRow.objects.filter(
            page_id__in=[q.pk for q in by_selection[QuizPage.Selection.BLUEPRINT]]
        ).values("indicator_id")
        drawn |= set(
            through.objects.filter(indicator_id__in=rows, question__live=True).values_list(
                "question_id", flat=True
            )
        )
    return QuizReach(assessed=fixed | (drawn - practice), practice=practice)


# --------------------------------------------------------------------------- the matrix


def mapping_matrix(unit: CompetencyUnit, course: Page | None = None) -> MappingMatrix:
    """The matrix for a unit, or for a course (its unit; page items under the course, items
    held by a page under the course, and free items such as observation items and the
    questions the course's assessment quizzes can show)."""
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))
    items = list(
        CompetencyItem.objects.filter(MAPPABLE_ITEMS, unit=unit).order_by("sort_order", "pk")
    )
    methods = [(value, str(label)) for value, label in AssessmentMethod.choices]
    rows, rows_by_indicator, rows_by_item = _matrix_rows(indicators, items)
    counts = _fill_cells(
        course,
        reach=quiz_reach(unit, course),
        validated=validated_instrument_ids(unit_id=unit.pk),
        rows_by_indicator=rows_by_indicator,
        rows_by_item=rows_by_item,
    )
    need_knowledge, need_performance = _course_unit_rules(course)
    _mark_gaps(rows, methods, need_knowledge=need_knowledge, need_performance=need_performance)
    return MappingMatrix(
        unit=unit,
        course=course,
        methods=methods,
        rows=rows,
        require_knowledge_check=need_knowledge,
        require_performance_method=need_performance,
        item_count=sum(counts.values()),
        assessed_count=counts[ASSESSED],
        taught_count=counts[TAUGHT],
        held_count=counts[HELD],
    )


KIND_ORDER = {"knowledge": 0, "skill": 1, "attitude": 2, "evidence": 3}


def _matrix_rows(
    indicators: list[Indicator], items: list[CompetencyItem]
) -> tuple[list[MatrixRow], dict[int, MatrixRow], dict[int, MatrixRow]]:
    """One row per indicator, then the knowledge, skill, attitude and key evidence items
    with their sub-items indented below them (blank items are not passed in)."""
    rows_by_indicator: dict[int, MatrixRow] = {}
    rows_by_item: dict[int, MatrixRow] = {}
    rows: list[MatrixRow] = []
    for ind in indicators:
        row = MatrixRow(kind="indicator", code=ind.code, text=ind.text)
        rows_by_indicator[ind.pk] = row
        rows.append(row)
    present = {item.pk for item in items}
    children: dict[int, list[CompetencyItem]] = defaultdict(list)
    for item in items:
        if item.parent_id in present:
            children[item.parent_id].append(item)
    tops = [i for i in items if i.parent_id not in present]
    for item in sorted(tops, key=lambda i: KIND_ORDER.get(i.kind, 9)):
        for each, depth in [(item, 0), *[(c, 1) for c in children.get(item.pk, [])]]:
            row = MatrixRow(kind=each.kind, code=each.code, text=each.text, depth=depth)
            rows_by_item[each.pk] = row
            rows.append(row)
    return rows, rows_by_indicator, rows_by_item


def _holder(obj, model) -> Page | None:
    """The page an item is, or is held by (None for free items such as questions)."""
    if isinstance(obj, Page):
        return obj
    parent = _page_parent_field(model)
    return getattr(obj, parent) if parent else None


def _classify(obj, model, reach: QuizReach, validated: set[int]) -> tuple[str, str, str]:
    """(TAUGHT | ASSESSED | HELD, method, note) for one mapped object."""
    page = _holder(obj, model)
    if page is not None and not page.live:
        return HELD, "", str(NOT_PUBLISHED)
    if isinstance(obj, DraftStateMixin) and page is None and not obj.live:
        return HELD, "", str(NOT_PUBLISHED)
    instrument = getattr(obj, model.mapping_parent) if model.mapping_parent else None
    if instrument is not None and not instrument.live:
        return HELD, "", str(NOT_PUBLISHED)
    if instrument is not None and instrument.pk not in validated:
        return HELD, "", str(NOT_VALIDATED)
    if getattr(page, "retired", False) or getattr(obj, "retired", False):
        return HELD, "", str(RETIRED)
    if model.mapping_role == TEACHES:
        return TAUGHT, "", ""
    if page is not None and getattr(page, "assessment_attempts", 1) <= 0:
        return TAUGHT, "", str(PRACTICE_RUNS)
    if isinstance(obj, Question):
        if obj.pk in reach.assessed:
            return ASSESSED, AssessmentMethod.QUESTIONING.value, ""
        if obj.pk in reach.practice:
            return TAUGHT, "", str(PRACTICE_QUIZ)
        return HELD, "", str(NOT_DRAWN)
    method = obj.mapping_method()
    if method not in AssessmentMethod.values:
        return HELD, "", str(NO_METHOD)
    return ASSESSED, method, ""


def _fill_cells(
    course: Page | None,
    *,
    reach: QuizReach,
    validated: set[int],
    rows_by_indicator: dict[int, MatrixRow],
    rows_by_item: dict[int, MatrixRow],
) -> dict[str, int]:
    """Put every mapped object (of the course, when given) in the rows it maps to: taught,
    assessed under its method, or held apart; returns how many objects went where."""
    indicator_ids, item_ids = set(rows_by_indicator), set(rows_by_item)
    counts = {TAUGHT: 0, ASSESSED: 0, HELD: 0}
    for model in mapped_models():
        by_indicator = _links(model, "indicators", indicator_ids) if indicator_ids else {}
        by_item = _links(model, "competency_items", item_ids) if item_ids else {}
        ids = set(by_indicator) | set(by_item)
        if not ids:
            continue
        qs = _in_course(model, model._default_manager.filter(pk__in=ids), course)
        related = _select_related_for(model)
        if related:
            qs = qs.select_related(*related)
        verbose = str(model._meta.verbose_name)
        for obj in qs:
            bucket, method, note = _classify(obj, model, reach, validated)
            entry = MatrixEntry(
                label=obj.mapping_label(),
                url=_edit_url(obj),
                kind=verbose,
                method=method,
                note=note,
            )
            counts[bucket] += 1
            targets = [rows_by_indicator[i] for i in by_indicator.get(obj.pk, ())]
            targets += [rows_by_item[i] for i in by_item.get(obj.pk, ())]
            for row in targets:
                if bucket == ASSESSED:
                    row.cells.setdefault(method, []).append(entry)
                elif bucket == TAUGHT:
                    row.taught.append(entry)
                else:
                    row.held.append(entry)
    return counts


def _in_course(model, qs, course: Page | None):
    if course is None:
        return qs
    if issubclass(model, Page):
        return qs.filter(path__startswith=course.path, depth__gt=course.depth)
    parent = _page_parent_field(model)
    if parent:
        return qs.filter(
            **{f"{parent}__path__startswith": course.path, f"{parent}__depth__gt": course.depth}
        )
    return qs


def _row_gaps(row: MatrixRow, *, need_knowledge: bool, need_performance: bool) -> list[str]:
    knowledge, performance = AssessmentMethod.knowledge(), AssessmentMethod.performance()
    has_knowledge = any(row.cells.get(m) for m in knowledge)
    has_performance = any(row.cells.get(m) for m in performance)
    code = {"code": row.code}
    if row.kind == "indicator":
        gaps = []
        if need_knowledge and not has_knowledge:
            gaps.append(_("%(code)s has no knowledge check (questioning).") % code)
        if need_performance and not has_performance:
            gaps.append(
                _(
                    "%(code)s has no performance method (observation, role play or "
                    "third-party report)."
                )
                % code
            )
        return gaps
    if row.kind == CompetencyItem.Kind.KNOWLEDGE and not row.covered:
        return [_("%(code)s (knowledge) has no assessed instrument.") % code]
    if row.kind == CompetencyItem.Kind.SKILL and not has_performance:
        return [
            _(
                "%(code)s (skill) has no performance instrument (observation, role play or "
                "third-party report)."
            )
            % code
        ]
    if row.kind == CompetencyItem.Kind.EVIDENCE and not row.covered:
        return [_("%(code)s (key evidence) has no assessed instrument.") % code]
    return []


def _mark_gaps(
    rows: list[MatrixRow], methods, *, need_knowledge: bool, need_performance: bool
) -> None:
    for row in rows:
        row._methods = methods
        for entries in [row.taught, row.held, *row.cells.values()]:
            entries.sort(key=lambda e: (e.kind, e.label))
        row.gaps = _row_gaps(row, need_knowledge=need_knowledge, need_performance=need_performance)


def course_mapping_matrix(course) -> MappingMatrix:
    unit = CompetencyUnit.objects.get(pk=course.unit_id)
    return mapping_matrix(unit, course=course)


def course_mapping_gaps(course) -> list[str]:
    """The gaps of a course's mapping under its evidence rule, as sentences naming the
    indicator or item (empty when complete). Used by the course edit page and the publish
    check."""
    if not getattr(course, "unit_id", None):
        return []
    return course_mapping_matrix(course).gaps


def coverage_report(matrix: MappingMatrix) -> dict:
    """The matrix as plain data for CI and auditors (manage.py coverage_report): the codes
    with gaps, and per row what teaches it and what assesses it by method. Items held apart
    are not in it: they count for nothing."""
    return {
        "course": matrix.course.slug if matrix.course is not None else None,
        "gaps": matrix.gap_codes,
        "rows": [
            {
                "code": row.code,
                "taught": [e.display for e in row.taught],
                "assessed": {
                    value: [e.label for e in cell]
                    for (value, _label), cell in zip(
                        matrix.methods, row.cell_list(matrix.methods), strict=True
                    )
                },
            }
            for row in matrix.rows
        ],
    }
