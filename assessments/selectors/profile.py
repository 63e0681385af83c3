"""The competency profile: computed from evidence each time, never stored. A matrix of the
unit's indicators (and K/S items) against the evidence of both rooms: the assessor's records
here and the training evidence (quizzes, scenario runs) from `training.evidence`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.evidence import EvidenceLine, EvidenceRecord, ItemResult, Judgement
from content.models.framework import AssessmentMethod, CompetencyItem, Indicator
from content.models.observation import ObservationItem
from training.evidence import training_evidence

SATISFACTORY = "satisfactory"
NOT_SATISFACTORY = "not_satisfactory"
PENDING = "pending"
STALE = "stale"


@dataclass(frozen=True)
class Rule:
    require_knowledge_check: bool = True
    require_performance_method: bool = True
    evidence_max_age_months: int = 12

    @classmethod
    def for_course(cls, course) -> "Rule":
        if course is None:
            return cls()
        return cls(
            require_knowledge_check=course.require_knowledge_check,
            require_performance_method=course.require_performance_method,
            evidence_max_age_months=course.evidence_max_age_months,
        )

    def oldest_allowed(self, today: date) -> date:
        return today - timedelta(days=round(self.evidence_max_age_months * 30.44))


@dataclass
class EvidenceHit:
    method: str
    status: str  # satisfactory / not_satisfactory / pending / stale
    label: str
    on: date
    evidence_id: int | None = None  # None for training evidence


@dataclass
class IndicatorRow:
    indicator: Indicator
    hits: list[EvidenceHit] = field(default_factory=list)
    performance_ok: bool = False
    knowledge_ok: bool = False
    any_ok: bool = False
    gaps: list[str] = field(default_factory=list)

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


def _row_gaps(row: IndicatorRow, rule: Rule) -> list[str]:
    code = row.indicator.code
    gaps = []
    if rule.require_performance_method and not row.performance_ok:
        gaps.append(
            _(
                "%(code)s: no satisfactory performance evidence (observation, role play or third-party report)"
            )
            % {"code": code}
        )
    if rule.require_knowledge_check and not row.knowledge_ok:
        gaps.append(_("%(code)s: no passed knowledge check (questioning or quiz)") % {"code": code})
    if not rule.require_performance_method and not rule.require_knowledge_check and not row.any_ok:
        gaps.append(_("%(code)s: no satisfactory evidence") % {"code": code})
    return gaps


def unit_indicators(unit) -> list[Indicator]:
    return list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))


def competency_profiles(
    *,
    trainee_ids,
    unit,
    course=None,
    today: date | None = None,
    indicators: list[Indicator] | None = None,
) -> dict[int, Profile]:
    """Profiles of many trainees in a fixed number of queries (not one per trainee)."""
    ids = list(trainee_ids)
    rule = Rule.for_course(course)
    today = today or timezone.localdate()
    oldest = rule.oldest_allowed(today)
    if indicators is None:
        indicators = unit_indicators(unit) if unit is not None else []
    items = (
        list(CompetencyItem.objects.filter(unit=unit).order_by("sort_order", "pk")) if unit else []
    )
    rows: dict[int, dict[int, IndicatorRow]] = {
        tid: {ind.pk: IndicatorRow(indicator=ind) for ind in indicators} for tid in ids
    }
    item_methods: dict[int, dict[int, set[str]]] = {tid: defaultdict(set) for tid in ids}
    if not ids or unit is None:
        return {tid: Profile(tid, rule, list(rows[tid].values()), []) for tid in ids}

    records = EvidenceRecord.objects.filter(trainee_id__in=ids, unit=unit)
    superseded = set(records.exclude(corrects=None).values_list("corrects_id", flat=True))
    latest_judgement: dict[int, Judgement] = {}
    for judgement in (
        Judgement.objects.filter(evidence__in=records)
        .order_by("evidence_id", "-judged_at", "-pk")
        .prefetch_related("indicators")
    ):
        latest_judgement.setdefault(judgement.evidence_id, judgement)
    obs_items: dict[int, list[int]] = defaultdict(list)
    for oi_id, item_id in ObservationItem.competency_items.through.objects.filter(
        observationitem__indicator__unit=unit
    ).values_list("observationitem_id", "competencyitem_id"):
        obs_items[oi_id].append(item_id)

    def add(tid, indicator_id, hit):
        row = rows[tid].get(indicator_id)
        if row is not None:
            row.hits.append(hit)

    by_record: dict[int, list[EvidenceLine]] = defaultdict(list)
    record_objs: dict[int, EvidenceRecord] = {}
    for line in EvidenceLine.objects.filter(evidence__in=records).select_related("evidence"):
        by_record[line.evidence_id].append(line)
        record_objs[line.evidence_id] = line.evidence
    # Records without lines (an upload judged against indicators) still count.
    for rec in records.filter(lines__isnull=True).filter(pk__in=latest_judgement.keys()):
        record_objs[rec.pk] = rec

    for rec_id, record in record_objs.items():
        if rec_id in superseded:
            continue
        tid = record.trainee_id
        label = str(record)
        stale = record.occurred_on < oldest
        if record.needs_judgement:
            judgement = latest_judgement.get(rec_id)
            if judgement is None:
                for line in by_record[rec_id]:
                    add(
                        tid,
                        line.indicator_id,
                        EvidenceHit(record.method, PENDING, label, record.occurred_on, rec_id),
                    )
                continue
            if judgement.result != Judgement.Result.SATISFACTORY:
                for line in by_record[rec_id]:
                    add(
                        tid,
                        line.indicator_id,
                        EvidenceHit(
                            record.method, NOT_SATISFACTORY, label, record.occurred_on, rec_id
                        ),
                    )
                continue
            judged = [ind.pk for ind in judgement.indicators.all()]
            supported = judged or [
                line.indicator_id
                for line in by_record[rec_id]
                if line.result == ItemResult.SATISFACTORY
            ]
            for ind_id in dict.fromkeys(supported):
                add(
                    tid,
                    ind_id,
                    EvidenceHit(
                        record.method,
                        STALE if stale else SATISFACTORY,
                        label,
                        record.occurred_on,
                        rec_id,
                    ),
                )
            continue
        per_indicator: dict[int, set[str]] = defaultdict(set)
        for line in by_record[rec_id]:
            if line.indicator_id is None:
                continue
            per_indicator[line.indicator_id].add(line.result)
            if line.result == ItemResult.SATISFACTORY and not stale:
                for item_id in list(line.item_ids or []) + obs_items.get(
                    line.observation_item_id, []
                ):
                    item_methods[tid][item_id].add(record.method)
        for ind_id, results in per_indicator.items():
            if ItemResult.NOT_SATISFACTORY in results:
                status = NOT_SATISFACTORY
            elif ItemResult.SATISFACTORY in results:
                status = STALE if stale else SATISFACTORY
            else:
                continue  # only "not observed"
            add(tid, ind_id, EvidenceHit(record.method, status, label, record.occurred_on, rec_id))

    for ev in training_evidence(trainee_ids=ids, unit_id=unit.pk):
        on = (
            timezone.localdate(ev.occurred_at)
            if timezone.is_aware(ev.occurred_at)
            else ev.occurred_at.date()
        )
        if not ev.passed:
            status = NOT_SATISFACTORY
        elif on < oldest:
            status = STALE
        else:
            status = SATISFACTORY
        add(ev.trainee_id, ev.indicator_id, EvidenceHit(ev.method, status, ev.label, on, None))

    performance = AssessmentMethod.performance()
    knowledge = AssessmentMethod.knowledge()
    result = {}
    for tid in ids:
        for row in rows[tid].values():
            ok = {h.method for h in row.hits if h.status == SATISFACTORY}
            row.performance_ok = bool(ok & performance)
            row.knowledge_ok = bool(ok & knowledge)
            row.any_ok = bool(ok)
            row.gaps = _row_gaps(row, rule)
        result[tid] = Profile(
            tid,
            rule,
            list(rows[tid].values()),
            [
                ItemRow(item=item, methods=set(item_methods[tid].get(item.pk, set())))
                for item in items
            ],
        )
    return result


def competency_profile(*, trainee, unit, course=None, today: date | None = None) -> Profile:
    return competency_profiles(trainee_ids=[trainee.pk], unit=unit, course=course, today=today)[
        trainee.pk
    ]
