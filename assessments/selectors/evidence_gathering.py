"""Gathering a unit's evidence for many trainees, in a fixed number of queries: the assessor's
records (checklists, questioning, judged uploads and third-party reports; corrected records
replaced by their corrections) and the training evidence from `training.evidence`, each
turned into an EvidenceHit per indicator, saying how its authenticity is established.
Evidence gathered with an instrument whose revision no second assessor has validated is
UNVALIDATED: shown, never counted. Judging the hits is `assessments.sufficiency`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    EvidenceKind,
    EvidenceLine,
    EvidenceRecord,
    ItemResult,
    Judgement,
)
from assessments.selectors.checklist import indicator_result
from assessments.sufficiency import (
    NOT_SATISFACTORY,
    PENDING,
    SATISFACTORY,
    STALE,
    UNVALIDATED,
    EvidenceHit,
)
from content.models.observation import ObservationItem
from content.selectors.instruments import validated_revision_ids
from training.evidence import training_evidence

if TYPE_CHECKING:
    from content.models.framework import CompetencyUnit

OBSERVATION_KINDS = frozenset({EvidenceKind.OBSERVATION, EvidenceKind.ROLE_PLAY})


@dataclass
class GatheredEvidence:
    # (trainee id, indicator id, hit), in the order found; an indicator id may be None or
    # name an indicator the caller does not show.
    hits: list[tuple[int, int | None, EvidenceHit]] = field(default_factory=list)
    # trainee id -> competency item id -> methods with satisfactory, current evidence of it
    item_methods: dict[int, dict[int, set[str]]] = field(default_factory=dict)

    def add(self, trainee_id: int, indicator_id: int | None, hit: EvidenceHit) -> None:
        self.hits.append((trainee_id, indicator_id, hit))


def gather_evidence(
    *, trainee_ids: Iterable[int], unit: CompetencyUnit, oldest: date
) -> GatheredEvidence:
    """All evidence of these trainees for `unit`; evidence from before `oldest` is stale."""
    ids = list(trainee_ids)
    out = GatheredEvidence(item_methods={tid: defaultdict(set) for tid in ids})
    _gather_records(ids, unit, oldest, out)
    _gather_training(ids, unit, oldest, out)
    return out


def _gather_records(
    ids: list[int], unit: CompetencyUnit, oldest: date, out: GatheredEvidence
) -> None:
    records = EvidenceRecord.objects.filter(trainee_id__in=ids, unit=unit)
    superseded = set(records.exclude(corrects=None).values_list("corrects_id", flat=True))
    latest_judgement = _latest_judgements(records)
    obs_items = _observation_items(unit)
    by_record: dict[int, list[EvidenceLine]] = defaultdict(list)
    record_objs: dict[int, EvidenceRecord] = {}
    for line in EvidenceLine.objects.filter(evidence__in=records).select_related(
        "evidence__recorded_by__profile"
    ):
        by_record[line.evidence_id].append(line)
        record_objs[line.evidence_id] = line.evidence
    # Records without lines (an upload judged against indicators) still count.
    for rec in records.filter(lines__isnull=True).filter(pk__in=latest_judgement.keys()):
        record_objs[rec.pk] = rec
    validated = validated_revision_ids(r.instrument_revision_id for r in record_objs.values())

    for rec_id, record in record_objs.items():
        if rec_id in superseded:
            continue
        valid = not record.instrument_revision_id or record.instrument_revision_id in validated
        if record.needs_judgement:
            _judged_record(
                record, by_record[rec_id], latest_judgement.get(rec_id), oldest, out, valid=valid
            )
        else:
            _checklist_record(record, by_record[rec_id], obs_items, oldest, out, valid=valid)


def _latest_judgements(records: QuerySet[EvidenceRecord]) -> dict[int, Judgement]:
    latest: dict[int, Judgement] = {}
    for judgement in (
        Judgement.objects.filter(evidence__in=records)
        .order_by("evidence_id", "-judged_at", "-pk")
        .select_related("assessor__profile")
        .prefetch_related("indicators")
    ):
        latest.setdefault(judgement.evidence_id, judgement)
    return latest


def _observation_items(unit: CompetencyUnit) -> dict[int, list[int]]:
    """Live observation checklist item id -> the competency items it shows."""
    obs_items: dict[int, list[int]] = defaultdict(list)
    for oi_id, item_id in ObservationItem.competency_items.through.objects.filter(
        observationitem__indicator__unit=unit, observationitem__live=True
    ).values_list("observationitem_id", "competencyitem_id"):
        obs_items[oi_id].append(item_id)
    return obs_items


def _judged_record(
    record: EvidenceRecord,
    lines: list[EvidenceLine],
    judgement: Judgement | None,
    oldest: date,
    out: GatheredEvidence,
    *,
    valid: bool = True,
) -> None:
    """Evidence an assessor judges after the fact: pending until judged; when satisfactory,
    it supports the indicators the judgement names (derived from its criterion lines when
    judged against an instrument; or else the record's satisfactory lines). Authenticated
    by that judgement (for a third-party report: the supervisor's signed declaration,
    verified by the assessor)."""
    if judgement is None:
        status, indicator_ids = PENDING, [line.indicator_id for line in lines]
    elif judgement.result != Judgement.Result.SATISFACTORY:
        status, indicator_ids = NOT_SATISFACTORY, [line.indicator_id for line in lines]
    else:
        judged = [ind.pk for ind in judgement.indicators.all()]
        supported = judged or [
            line.indicator_id for line in lines if line.result == ItemResult.SATISFACTORY
        ]
        status = STALE if record.occurred_on < oldest else SATISFACTORY
        indicator_ids = list(dict.fromkeys(supported))
    if not valid and status != NOT_SATISFACTORY:
        status = UNVALIDATED
    label = str(record)
    how = _judged_authentication(record, judgement)
    for ind_id in indicator_ids:
        out.add(
            record.trainee_id,
            ind_id,
            EvidenceHit(record.method, status, label, record.occurred_on, record.pk, how),
        )


def _judged_authentication(record: EvidenceRecord, judgement: Judgement | None) -> str:
    if judgement is None:
        return ""
    judge = judgement.assessor.printed_name
    if record.kind == EvidenceKind.THIRD_PARTY:
        return _("declaration signed by %(supervisor)s, verified by %(judge)s (%(how)s)") % {
            "supervisor": record.third_party_name,
            "judge": judge,
            "how": judgement.get_verification_display() or "—",
        }
    return _("judged by %(judge)s") % {"judge": judge}


def _checklist_record(
    record: EvidenceRecord,
    lines: list[EvidenceLine],
    obs_items: dict[int, list[int]],
    oldest: date,
    out: GatheredEvidence,
    *,
    valid: bool = True,
) -> None:
    """Evidence the assessor recorded line by line, each indicator judged from its lines by
    `indicator_result`: any unsatisfactory line makes it not satisfactory; lines only "not
    observed" say nothing. An observation recorded in a context is judged from its observed
    behaviours only (the lines naming an observation item, or a criterion of the role-play
    script used); observations from before contexts existed still count their indicator
    rows. Authenticated by the assessor who recorded it at the time."""
    stale = record.occurred_on < oldest
    behaviours_only = bool(record.context) and record.kind in OBSERVATION_KINDS
    per_indicator: dict[int, set[str]] = defaultdict(set)
    for line in lines:
        if line.indicator_id is None:
            continue
        if behaviours_only and line.observation_item_id is None and line.criterion_id is None:
            continue
        per_indicator[line.indicator_id].add(line.result)
        if line.result == ItemResult.SATISFACTORY and not stale and valid:
            for item_id in list(line.item_ids or []) + obs_items.get(line.observation_item_id, []):
                out.item_methods[record.trainee_id][item_id].add(record.method)
    label = str(record)
    how = (
        _("recorded by %(assessor)s") % {"assessor": record.recorded_by.printed_name}
        if record.recorded_by_id
        else ""
    )
    for ind_id, results in per_indicator.items():
        result = indicator_result(results)
        if result == ItemResult.NOT_SATISFACTORY:
            status = NOT_SATISFACTORY
        elif result == ItemResult.SATISFACTORY:
            status = STALE if stale else SATISFACTORY
        else:
            continue  # only "not observed"
        if not valid and status != NOT_SATISFACTORY:
            status = UNVALIDATED
        out.add(
            record.trainee_id,
            ind_id,
            EvidenceHit(record.method, status, label, record.occurred_on, record.pk, how),
        )


def _gather_training(
    ids: list[int], unit: CompetencyUnit, oldest: date, out: GatheredEvidence
) -> None:
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
        how = _("completed under the trainee's own sign-in")
        out.add(
            ev.trainee_id,
            ev.indicator_id,
            EvidenceHit(ev.method, status, ev.label, on, None, how),
        )
