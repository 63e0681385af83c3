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
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Case, Max, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    NEEDS_JUDGEMENT,
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


def gather_hits(
    *, trainee_ids: Iterable[int], unit: CompetencyUnit, oldest: date
) -> GatheredEvidence:
    """What `gather_evidence` finds, for judging many trainees at once (the dashboard's
    statuses and heat map): the same hits, with the same method, status and date, but one
    per record and indicator, without labels, authentication or K/S items. A record's lines
    are judged per indicator in the database, so a cohort's tens of thousands of lines come
    back as a few thousand rows."""
    ids = list(trainee_ids)
    out = GatheredEvidence(item_methods={})
    if not ids:
        return out
    records = EvidenceRecord.objects.filter(trainee_id__in=ids, unit=unit)
    latest_judgement = _latest_judgements(records)
    rows = list(
        records.values_list(
            "pk",
            "trainee_id",
            "kind",
            "method",
            "occurred_on",
            "instrument_revision_id",
            "corrects_id",
        ).order_by()
    )
    superseded = {row[6] for row in rows if row[6]}
    validated = validated_revision_ids(row[5] for row in rows)
    # Per record and indicator, its lines judged by `indicator_result` in the database: 2
    # any not yet satisfactory, else 1 any satisfactory, else 0 (only "not observed"). An
    # observation recorded in a context counts its observed behaviours only.
    judged_as = {2: ItemResult.NOT_SATISFACTORY, 1: ItemResult.SATISFACTORY, 0: None}
    lines: dict[int, list[tuple[int | None, str | None]]] = defaultdict(list)
    behaviour_less = (
        ~Q(evidence__context="")
        & Q(evidence__kind__in=OBSERVATION_KINDS)
        & Q(observation_item__isnull=True)
        & Q(criterion__isnull=True)
    )
    for evidence_id, indicator_id, worst in (
        EvidenceLine.objects.filter(evidence__trainee_id__in=ids, evidence__unit=unit)
        .exclude(behaviour_less)
        .values("evidence_id", "indicator_id")
        .annotate(
            worst=Max(
                Case(
                    When(result=ItemResult.NOT_SATISFACTORY, then=2),
                    When(result=ItemResult.SATISFACTORY, then=1),
                    default=0,
                )
            )
        )
        .order_by()
        .values_list("evidence_id", "indicator_id", "worst")
    ):
        lines[evidence_id].append((indicator_id, judged_as[worst]))
    statuses = {
        (result, stale, valid): _checklist_status(result, stale, valid)
        for result in judged_as.values()
        for stale in (False, True)
        for valid in (False, True)
    }
    hits = out.hits
    for rec_id, trainee_id, kind, method, on, revision_id, _corrects in rows:
        if rec_id in superseded or (rec_id not in lines and rec_id not in latest_judgement):
            continue
        valid = not revision_id or revision_id in validated
        if kind in NEEDS_JUDGEMENT:
            status, indicator_ids = _judged_status(
                latest_judgement.get(rec_id),
                on,
                [ind for ind, _result in lines[rec_id]],
                [ind for ind, result in lines[rec_id] if result == ItemResult.SATISFACTORY],
                oldest,
                valid,
            )
            for ind_id in indicator_ids:
                hits.append((trainee_id, ind_id, EvidenceHit(method, status, "", on, rec_id)))
            continue
        stale = on < oldest
        # One hit per status of the record, shared by its indicators.
        record_hits: dict[str, EvidenceHit] = {}
        for ind_id, result in lines[rec_id]:
            status = statuses[result, stale, valid]
            if ind_id is None or status is None:
                continue
            if status not in record_hits:
                record_hits[status] = EvidenceHit(method, status, "", on, rec_id)
            hits.append((trainee_id, ind_id, record_hits[status]))
    _gather_training(ids, unit, oldest, out)
    return out


class _Line(NamedTuple):
    """What the gathering reads of an evidence line (rows, not model instances: a cohort's
    evidence is tens of thousands of lines)."""

    evidence_id: int
    indicator_id: int | None
    observation_item_id: int | None
    criterion_id: int | None
    result: str
    item_ids: list


def _gather_records(
    ids: list[int], unit: CompetencyUnit, oldest: date, out: GatheredEvidence
) -> None:
    records = EvidenceRecord.objects.filter(trainee_id__in=ids, unit=unit)
    latest_judgement = _latest_judgements(records)
    obs_items = _observation_items(unit)
    by_record: dict[int, list[_Line]] = defaultdict(list)
    for row in (
        EvidenceLine.objects.filter(evidence__trainee_id__in=ids, evidence__unit=unit)
        .order_by("pk")
        .values_list(*_Line._fields)
    ):
        by_record[row[0]].append(_Line(*row))
    all_records = {rec.pk: rec for rec in records.select_related("recorded_by__profile")}
    superseded = {rec.corrects_id for rec in all_records.values() if rec.corrects_id}
    # Records in the order of their first line; records without lines (an upload judged
    # against indicators) still count, after them.
    record_objs: dict[int, EvidenceRecord] = {
        rec_id: all_records[rec_id] for rec_id in by_record if rec_id in all_records
    }
    for rec_id, rec in all_records.items():
        if rec_id not in by_record and rec_id in latest_judgement:
            record_objs[rec_id] = rec
    validated = validated_revision_ids(r.instrument_revision_id for r in record_objs.values())
    recorders: dict[int, str] = {}

    for rec_id, record in record_objs.items():
        if rec_id in superseded:
            continue
        valid = not record.instrument_revision_id or record.instrument_revision_id in validated
        if record.needs_judgement:
            _judged_record(
                record, by_record[rec_id], latest_judgement.get(rec_id), oldest, out, valid=valid
            )
        else:
            _checklist_record(
                record, by_record[rec_id], obs_items, oldest, out, valid=valid, recorders=recorders
            )


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


def _judged_status(
    judgement: Judgement | None,
    occurred_on: date,
    line_indicators: list[int | None],
    satisfactory_indicators: list[int | None],
    oldest: date,
    valid: bool,
) -> tuple[str, list[int | None]]:
    """The status of evidence an assessor judges after the fact, and the indicators it is a
    hit of: pending until judged (every indicator its lines name); when satisfactory, the
    indicators the judgement names (derived from its criterion lines when judged against an
    instrument), or else those of the record's satisfactory lines."""
    if judgement is None:
        status, indicator_ids = PENDING, line_indicators
    elif judgement.result != Judgement.Result.SATISFACTORY:
        status, indicator_ids = NOT_SATISFACTORY, line_indicators
    else:
        judged = [ind.pk for ind in judgement.indicators.all()]
        status = STALE if occurred_on < oldest else SATISFACTORY
        indicator_ids = list(dict.fromkeys(judged or satisfactory_indicators))
    if not valid and status != NOT_SATISFACTORY:
        status = UNVALIDATED
    return status, indicator_ids


def _checklist_status(result: str | None, stale: bool, valid: bool) -> str | None:
    """The status of an indicator on a record judged line by line, from `indicator_result`
    of its lines; None when its lines were only "not observed"."""
    if result == ItemResult.NOT_SATISFACTORY:
        return NOT_SATISFACTORY
    if result != ItemResult.SATISFACTORY:
        return None
    return (STALE if stale else SATISFACTORY) if valid else UNVALIDATED


def _judged_record(
    record: EvidenceRecord,
    lines: list[_Line],
    judgement: Judgement | None,
    oldest: date,
    out: GatheredEvidence,
    *,
    valid: bool = True,
) -> None:
    """Evidence an assessor judges after the fact (`_judged_status`). Authenticated by that
    judgement (for a third-party report: the supervisor's signed declaration, verified by
    the assessor)."""
    status, indicator_ids = _judged_status(
        judgement,
        record.occurred_on,
        [line.indicator_id for line in lines],
        [line.indicator_id for line in lines if line.result == ItemResult.SATISFACTORY],
        oldest,
        valid,
    )
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
    lines: list[_Line],
    obs_items: dict[int, list[int]],
    oldest: date,
    out: GatheredEvidence,
    *,
    valid: bool = True,
    recorders: dict[int, str] | None = None,
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
    how = _recorded_by(record, {} if recorders is None else recorders)
    for ind_id, results in per_indicator.items():
        status = _checklist_status(indicator_result(results), stale, valid)
        if status is None:
            continue  # only "not observed"
        out.add(
            record.trainee_id,
            ind_id,
            EvidenceHit(record.method, status, label, record.occurred_on, record.pk, how),
        )


def _recorded_by(record: EvidenceRecord, recorders: dict[int, str]) -> str:
    """ "recorded by <assessor>", once per assessor in a gathering."""
    if not record.recorded_by_id:
        return ""
    if record.recorded_by_id not in recorders:
        recorders[record.recorded_by_id] = _("recorded by %(assessor)s") % {
            "assessor": record.recorded_by.printed_name
        }
    return recorders[record.recorded_by_id]


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
