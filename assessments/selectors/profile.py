"""The competency profile: computed from evidence each time, never stored. A matrix of the
unit's indicators (and K/S items) against the evidence of both rooms: the assessor's records
here and the training evidence (quizzes, scenario runs) from `training.evidence`.

Gathering the evidence is `evidence_gathering`; judging it against the course's rule is
`assessments.sufficiency` (whose names are also importable from here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from assessments.selectors.evidence_gathering import gather_evidence, gather_hits
from assessments.sufficiency import (
    NOT_SATISFACTORY,
    PENDING,
    SATISFACTORY,
    STALE,
    EvidenceHit,
    Rule,
    RuleCheck,
    Summary,
    judge_indicator,
    summarise_indicator,
)
from content.models.framework import AssessmentMethod, CompetencyItem, Indicator

if TYPE_CHECKING:
    from collections.abc import Iterable

    from content.models.framework import CompetencyUnit
    from content.pages.course import CoursePage
    from people.models import User

__all__ = [
    "NOT_SATISFACTORY",
    "PENDING",
    "SATISFACTORY",
    "STALE",
    "EvidenceHit",
    "IndicatorRow",
    "ItemRow",
    "Profile",
    "Rule",
    "RuleCheck",
    "competency_profile",
    "competency_profiles",
    "indicator_summaries",
    "unit_indicators",
]


@dataclass
class IndicatorRow:
    indicator: Indicator
    hits: list[EvidenceHit] = field(default_factory=list)
    performance_ok: bool = False
    knowledge_ok: bool = False
    any_ok: bool = False
    gaps: list[str] = field(default_factory=list)
    checks: list[RuleCheck] = field(default_factory=list)

    def methods(self, status: str = SATISFACTORY) -> list[str]:
        return sorted({h.method for h in self.hits if h.status == status})

    def method_labels(self) -> list[str]:
        labels = dict(AssessmentMethod.choices)
        return [str(labels.get(m, m)) for m in self.methods()]

    @property
    def met(self) -> bool:
        return not self.gaps

    @property
    def heat(self) -> str:
        """CSS class suffix for the heat map."""
        if not self.gaps:
            return "met"
        if self.any_ok:
            return "partial"
        if self.hits:
            return "attempted"
        return "none"


@dataclass
class ItemRow:
    item: CompetencyItem
    methods: set[str] = field(default_factory=set)

    def method_labels(self) -> list[str]:
        """The methods as the user reads them (never the stored codes)."""
        labels = dict(AssessmentMethod.choices)
        return [str(labels.get(m, m)) for m in sorted(self.methods)]


@dataclass
class Profile:
    trainee_id: int
    rule: Rule
    rows: list[IndicatorRow]
    items: list[ItemRow]

    @property
    def gaps(self) -> list[str]:
        return [gap for row in self.rows for gap in row.gaps]

    @property
    def complete(self) -> bool:
        return bool(self.rows) and not self.gaps

    @property
    def has_any_evidence(self) -> bool:
        return any(row.hits for row in self.rows)

    def uncovered_items(self) -> list[CompetencyItem]:
        return [r.item for r in self.items if not r.methods]


def unit_indicators(unit: CompetencyUnit) -> list[Indicator]:
    return list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))


def competency_profiles(
    *,
    trainee_ids: Iterable[int],
    unit: CompetencyUnit | None,
    course: CoursePage | None = None,
    today: date | None = None,
    indicators: list[Indicator] | None = None,
) -> dict[int, Profile]:
    """Profiles of many trainees in a fixed number of queries (not one per trainee)."""
    ids = list(trainee_ids)
    rule = Rule.for_course(course)
    today = today or timezone.localdate()
    if indicators is None:
        indicators = unit_indicators(unit) if unit is not None else []
    items = (
        list(CompetencyItem.objects.filter(unit=unit).order_by("sort_order", "pk")) if unit else []
    )
    rows: dict[int, dict[int, IndicatorRow]] = {
        tid: {ind.pk: IndicatorRow(indicator=ind) for ind in indicators} for tid in ids
    }
    if not ids or unit is None:
        return {tid: Profile(tid, rule, list(rows[tid].values()), []) for tid in ids}

    evidence = gather_evidence(trainee_ids=ids, unit=unit, oldest=rule.oldest_allowed(today))
    for tid, indicator_id, hit in evidence.hits:
        row = rows[tid].get(indicator_id)
        if row is not None:
            row.hits.append(hit)
    return {
        tid: _judged_profile(tid, rule, list(rows[tid].values()), items, evidence.item_methods[tid])
        for tid in ids
    }


def _judged_profile(
    trainee_id: int,
    rule: Rule,
    rows: list[IndicatorRow],
    items: list[CompetencyItem],
    item_methods: dict[int, set[str]],
) -> Profile:
    performance = AssessmentMethod.performance()
    knowledge = AssessmentMethod.knowledge()
    for row in rows:
        verdict = judge_indicator(
            row.indicator.code,
            row.hits,
            rule,
            performance_methods=performance,
            knowledge_methods=knowledge,
        )
        row.performance_ok = verdict.performance_ok
        row.knowledge_ok = verdict.knowledge_ok
        row.any_ok = verdict.any_ok
        row.gaps = list(verdict.gaps)
        row.checks = list(verdict.checks)
    return Profile(
        trainee_id,
        rule,
        rows,
        [ItemRow(item=item, methods=set(item_methods.get(item.pk, set()))) for item in items],
    )


def competency_profile(
    *,
    trainee: User,
    unit: CompetencyUnit | None,
    course: CoursePage | None = None,
    today: date | None = None,
) -> Profile:
    return competency_profiles(trainee_ids=[trainee.pk], unit=unit, course=course, today=today)[
        trainee.pk
    ]


def indicator_summaries(
    *,
    trainee_ids: Iterable[int],
    unit: CompetencyUnit | None,
    course: CoursePage | None = None,
    indicators: list[Indicator],
    today: date | None = None,
) -> dict[int, list[Summary]]:
    """trainee id -> the summary of each of `indicators` (in their order), judged by the
    course's rule as `competency_profiles` judges them (`summarise_indicator`): for a whole
    cohort in a fixed number of queries, without the sentences the profile page shows."""
    ids = list(trainee_ids)
    rule = Rule.for_course(course)
    shown = {ind.pk for ind in indicators}
    hits: dict[tuple[int, int], list[EvidenceHit]] = defaultdict(list)
    if ids and unit is not None:
        today = today or timezone.localdate()
        for tid, indicator_id, hit in gather_hits(
            trainee_ids=ids, unit=unit, oldest=rule.oldest_allowed(today)
        ).hits:
            if indicator_id in shown:
                hits[tid, indicator_id].append(hit)
    performance = AssessmentMethod.performance()
    knowledge = AssessmentMethod.knowledge()
    none = summarise_indicator(
        [], rule, performance_methods=performance, knowledge_methods=knowledge
    )
    out: dict[int, list[Summary]] = {}
    for tid in ids:
        judged = []
        for ind in indicators:
            found = hits.get((tid, ind.pk))
            judged.append(
                summarise_indicator(
                    found, rule, performance_methods=performance, knowledge_methods=knowledge
                )
                if found
                else none
            )
        out[tid] = judged
    return out
