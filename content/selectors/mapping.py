"""The mapping matrix: which authored items (lessons, scenarios and their choices, quiz
questions, observation items — every model in `mapped_models()`) cover each indicator and
K/S item of a unit, by assessment method, and where the course's evidence rule has gaps.

Queries are fixed whatever the number of items: the unit's rows (3 queries), then per mapped
model one query per M2M table and one for the items themselves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from content.models.framework import AssessmentMethod, CompetencyItem, CompetencyUnit, Indicator
from content.models.mapping import mapped_models

NO_METHOD = ""
NO_METHOD_LABEL = gettext_lazy("Taught (no assessment method)")
KIND_LABELS = {
    "indicator": gettext_lazy("Indicator"),
    CompetencyItem.Kind.KNOWLEDGE: gettext_lazy("Knowledge"),
    CompetencyItem.Kind.SKILL: gettext_lazy("Skill"),
    CompetencyItem.Kind.ATTITUDE: gettext_lazy("Attitude"),
}


@dataclass(frozen=True)
class MatrixEntry:
    label: str
    url: str | None
    kind: str  # the model's verbose name
    method: str


@dataclass
class MatrixRow:
    kind: str  # "indicator" | "knowledge" | "skill" | "attitude"
    code: str
    text: str
    depth: int = 0
    cells: dict[str, list[MatrixEntry]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    _methods: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def covered(self) -> bool:
        return any(self.cells.values())

    @property
    def has_gap(self) -> bool:
        return bool(self.gaps)

    def cell_list(self, methods: list[tuple[str, str]]) -> list[list[MatrixEntry]]:
        return [self.cells.get(value, []) for value, _label in methods]

    @property
    def cell_lists(self) -> list[list[MatrixEntry]]:
        """The cells in the matrix's column order (for templates)."""
        return self.cell_list(self._methods)


@dataclass
class MappingMatrix:
    unit: CompetencyUnit
    course: Page | None
    methods: list[tuple[str, str]]  # (value, label): the five methods, then "taught"
    rows: list[MatrixRow]
    require_knowledge_check: bool
    require_performance_method: bool
    item_count: int = 0

    @property
    def gaps(self) -> list[str]:
        return [gap for row in self.rows for gap in row.gaps]

    @property
    def indicator_rows(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.kind == "indicator"]

    @property
    def uncovered_items(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.kind != "indicator" and not r.covered]


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


def mapping_matrix(unit: CompetencyUnit, course: Page | None = None) -> MappingMatrix:
    """The matrix for a unit, or for a course (its unit; page items under the course, items
    held by a page under the course, and free items such as questions mapped to the unit)."""
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))
    items = list(CompetencyItem.objects.filter(unit=unit).order_by("sort_order", "pk"))
    methods = [(value, str(label)) for value, label in AssessmentMethod.choices]
    methods.append((NO_METHOD, str(NO_METHOD_LABEL)))
    rows, rows_by_indicator, rows_by_item = _matrix_rows(indicators, items)
    total = _fill_cells(
        course,
        rows_by_indicator=rows_by_indicator,
        rows_by_item=rows_by_item,
        known_methods={value for value, _label in methods},
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
        item_count=total,
    )


def _matrix_rows(
    indicators: list[Indicator], items: list[CompetencyItem]
) -> tuple[list[MatrixRow], dict[int, MatrixRow], dict[int, MatrixRow]]:
    """One row per indicator, then the knowledge, skill and attitude items with their
    sub-items indented below them."""
    rows_by_indicator: dict[int, MatrixRow] = {}
    rows_by_item: dict[int, MatrixRow] = {}
    rows: list[MatrixRow] = []
    for ind in indicators:
        row = MatrixRow(kind="indicator", code=ind.code, text=ind.text)
        rows_by_indicator[ind.pk] = row
        rows.append(row)
    kind_order = {"knowledge": 0, "skill": 1, "attitude": 2}
    children: dict[int, list[CompetencyItem]] = defaultdict(list)
    for item in items:
        if item.parent_id:
            children[item.parent_id].append(item)
    for item in sorted(
        (i for i in items if not i.parent_id), key=lambda i: kind_order.get(i.kind, 9)
    ):
        for each, depth in [(item, 0), *[(c, 1) for c in children.get(item.pk, [])]]:
            row = MatrixRow(kind=each.kind, code=each.code, text=each.text, depth=depth)
            rows_by_item[each.pk] = row
            rows.append(row)
    return rows, rows_by_indicator, rows_by_item


def _fill_cells(
    course: Page | None,
    *,
    rows_by_indicator: dict[int, MatrixRow],
    rows_by_item: dict[int, MatrixRow],
    known_methods: set[str],
) -> int:
    """Put every mapped object (of the course, when given) in the cells of the rows it maps
    to, under its method; returns how many objects were placed."""
    indicator_ids, item_ids = set(rows_by_indicator), set(rows_by_item)
    total = 0
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
            method = obj.assessment_method or NO_METHOD
            if method not in known_methods:
                method = NO_METHOD
            entry = MatrixEntry(
                label=obj.mapping_label(), url=_edit_url(obj), kind=verbose, method=method
            )
            total += 1
            for ind_id in by_indicator.get(obj.pk, ()):
                rows_by_indicator[ind_id].cells.setdefault(method, []).append(entry)
            for item_id in by_item.get(obj.pk, ()):
                rows_by_item[item_id].cells.setdefault(method, []).append(entry)
    return total


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


def _mark_gaps(
    rows: list[MatrixRow], methods, *, need_knowledge: bool, need_performance: bool
) -> None:
    knowledge, performance = AssessmentMethod.knowledge(), AssessmentMethod.performance()
    for row in rows:
        row._methods = methods
        for entries in row.cells.values():
            entries.sort(key=lambda e: (e.kind, e.label))
        if row.kind != "indicator":
            continue
        if need_knowledge and not any(row.cells.get(m) for m in knowledge):
            row.gaps.append(
                _("%(code)s has no knowledge check (questioning).") % {"code": row.code}
            )
        if need_performance and not any(row.cells.get(m) for m in performance):
            row.gaps.append(
                _(
                    "%(code)s has no performance method (observation, role play or "
                    "third-party report)."
                )
                % {"code": row.code}
            )


def course_mapping_matrix(course) -> MappingMatrix:
    unit = CompetencyUnit.objects.get(pk=course.unit_id)
    return mapping_matrix(unit, course=course)


def course_mapping_gaps(course) -> list[str]:
    """The gaps of a course's mapping under its evidence rule, as sentences naming the
    indicator (empty when complete). Used by the course edit page and the publish check."""
    if not getattr(course, "unit_id", None):
        return []
    return course_mapping_matrix(course).gaps
