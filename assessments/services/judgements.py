"""Evidence an assessor judges after it was recorded: portfolio uploads (by the trainee, or
by an assessor for them) and their judgement, and the judgement of third-party reports."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    KIND_METHOD,
    EvidenceKind,
    EvidenceRecord,
    ItemResult,
    Judgement,
    JudgementLine,
)
from assessments.services.evidence import _check_assessor_for, _record_with_lines
from assessments.uploads import CheckedUpload
from content.models.framework import CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.selectors.instruments import instrument_criteria
from core.audit import audit_record
from people.models import User

# --- portfolio uploads -----------------------------------------------------------------------


@transaction.atomic
def portfolio_upload(
    *,
    uploader: User,
    trainee: User,
    unit: CompetencyUnit,
    upload: CheckedUpload,
    summary: str,
    occurred_on: date | None = None,
    instrument: AssessmentInstrument | None = None,
) -> EvidenceRecord:
    """A trainee uploads their own file, or an assessor uploads one for a trainee in scope.
    Either way the file counts only after an assessor (not the trainee) judges it.
    `instrument`: the published portfolio task of the unit the file answers; the record
    keeps the task's live revision, and is judged on the task's criteria."""
    if uploader.pk != trainee.pk:
        _check_assessor_for(uploader, trainee)
    if instrument is not None and (
        instrument.kind != InstrumentKind.PORTFOLIO
        or instrument.unit_id != unit.pk
        or not instrument.live
    ):
        raise ValidationError(
            _("Choose a published portfolio task of this unit."), code="instrument"
        )
    return _record_with_lines(
        EvidenceRecord(
            trainee=trainee,
            unit=unit,
            kind=EvidenceKind.PORTFOLIO,
            method=KIND_METHOD[EvidenceKind.PORTFOLIO],
            occurred_on=occurred_on or timezone.localdate(),
            summary=summary,
            recorded_by=uploader,
            instrument=instrument,
            instrument_revision_id=instrument.live_revision_id if instrument else None,
        ),
        actor=uploader,
        action="evidence.uploaded",
        summary=upload.original_name,
        data={
            "sha256": upload.sha256,
            "size": upload.size,
            "instrument": instrument.pk if instrument else None,
        },
        upload=upload,
    )


# --- judgements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionJudgement:
    """The assessor's result on one criterion of the record's instrument; the id is as
    posted (None: the row named no criterion), so a forged row can be refused."""

    criterion_id: int | None
    result: str
    comment: str = ""


def _judgement_lines(
    evidence: EvidenceRecord, criteria: Sequence[CriterionJudgement]
) -> list[JudgementLine]:
    """One unsaved line per (criterion, indicator of the unit it shows). Refuses a row that
    is not a criterion of the record's instrument, or a criterion judged twice."""
    known = {c.pk: c for c in instrument_criteria(evidence.instrument)}
    ids = [c.criterion_id for c in criteria]
    if any(i not in known for i in ids) or len(set(ids)) != len(ids):
        raise ValidationError(
            _(
                "Only the criteria of this evidence's instrument can be judged. Nothing was recorded."
            ),
            code="not_a_criterion",
        )
    if not criteria:
        raise ValidationError(_("Judge each criterion of the instrument."), code="no_criteria")
    lines = []
    for judged in criteria:
        criterion = known[judged.criterion_id]
        result = judged.result if judged.result in ItemResult.values else ItemResult.NOT_OBSERVED
        for indicator in criterion.shown:
            lines.append(
                JudgementLine(
                    criterion=criterion,
                    indicator=indicator,
                    label=criterion.text,
                    result=result,
                    comment=judged.comment,
                )
            )
    return lines


def _supported_indicators(lines: list[JudgementLine]) -> list[Indicator]:
    """The indicators whose lines are all satisfactory or not shown, at least one of them
    satisfactory."""
    by_indicator: dict[int, tuple[Indicator, set[str]]] = {}
    for line in lines:
        indicator, results = by_indicator.setdefault(line.indicator.pk, (line.indicator, set()))
        results.add(line.result)
    return [
        indicator
        for indicator, results in by_indicator.values()
        if ItemResult.SATISFACTORY in results and ItemResult.NOT_SATISFACTORY not in results
    ]


@transaction.atomic
def evidence_judge(
    *,
    assessor: User,
    evidence: EvidenceRecord,
    result: str,
    indicators: Sequence[Indicator] = (),
    verification: str = "",
    notes: str = "",
    criteria: Sequence[CriterionJudgement] = (),
) -> Judgement:
    """Judge evidence the assessor did not record (uploads, third-party reports). Never the
    trainee's own, never by the person it is about, never by the person who uploaded it.

    Evidence gathered with an instrument (a portfolio task, third-party prompts) is judged
    criterion by criterion (`criteria`): one JudgementLine per criterion and indicator it
    shows; the indicators it supports follow from the lines (all satisfactory or not shown,
    at least one satisfactory), and it is satisfactory only when a criterion is. Other
    evidence names its `indicators`, as before instruments."""
    _check_assessor_for(assessor, evidence.trainee)
    if evidence.recorded_by_id == assessor.pk and evidence.kind == EvidenceKind.PORTFOLIO:
        raise PermissionDenied(_("Another assessor must judge a file you uploaded yourself."))
    if not evidence.needs_judgement:
        raise ValidationError(_("This evidence was judged when it was recorded."))
    if evidence.kind == EvidenceKind.THIRD_PARTY and not verification:
        raise ValidationError(_("Record how the third-party report was verified."))
    lines: list[JudgementLine] = []
    if evidence.instrument_id:
        if indicators:
            raise ValidationError(
                _(
                    "This evidence is judged criterion by criterion: its indicators follow from them."
                ),
                code="by_criteria",
            )
        lines = _judgement_lines(evidence, criteria)
        if result == Judgement.Result.SATISFACTORY and not any(
            line.result == ItemResult.SATISFACTORY for line in lines
        ):
            raise ValidationError(
                _(
                    "No criterion is satisfactory, so the evidence cannot be judged "
                    "satisfactory: judge it not yet satisfactory, or correct the criteria."
                ),
                code="no_satisfactory_criterion",
            )
        indicators = _supported_indicators(lines)
    else:
        if criteria:
            raise ValidationError(
                _(
                    "Only the criteria of this evidence's instrument can be judged. Nothing was recorded."
                ),
                code="not_a_criterion",
            )
        if (
            result == Judgement.Result.SATISFACTORY
            and evidence.kind == EvidenceKind.PORTFOLIO
            and not indicators
        ):
            raise ValidationError(_("Choose the indicators this evidence supports."))
        for ind in indicators:
            if ind.unit_id != evidence.unit_id:
                raise ValidationError(_("An indicator does not belong to this unit."))
    judgement = Judgement.objects.create(
        evidence=evidence, assessor=assessor, result=result, verification=verification, notes=notes
    )
    judgement.indicators.set(indicators)
    for line in lines:
        line.judgement = judgement
    JudgementLine.objects.bulk_create(lines)
    audit_record(
        actor=assessor,
        action="evidence.judged",
        obj=judgement,
        trainee=evidence.trainee,
        summary=f"{evidence} → {judgement.get_result_display()}",
        data={
            "evidence": evidence.pk,
            "verification": verification,
            "indicators": [i.code for i in indicators],
            "criteria": {
                str(c.criterion_id): c.result for c in criteria if c.criterion_id is not None
            },
        },
    )
    return judgement
