"""Recording customer feedback about a trainee: given on the unit's customer-feedback form,
criterion by criterion as the form asks the customer; otherwise (a letter, an online review)
against the indicators the assessor says it supports."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    KIND_METHOD,
    EvidenceKind,
    EvidenceLine,
    EvidenceRecord,
    ItemResult,
)
from assessments.services.evidence import _check_assessor_for, _record_with_lines
from assessments.uploads import CheckedUpload
from content.models.framework import CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.selectors.instruments import instrument_criteria
from people.models import User


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int | None  # None: the posted row named no criterion (refused)
    result: str
    comment: str = ""


@transaction.atomic
def customer_feedback_record(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    source: str,
    occurred_on: date,
    summary: str,
    indicators: list[Indicator] = (),
    upload: CheckedUpload | None = None,
    instrument: AssessmentInstrument | None = None,
    criteria: list[CriterionResult] = (),
) -> EvidenceRecord:
    """Feedback a customer gave about the trainee. Given on the unit's customer-feedback form
    (`instrument`), it is recorded criterion by criterion as the form asks; otherwise (a
    letter, an online review) against the indicators the assessor says it supports."""
    _check_assessor_for(assessor, trainee)
    if instrument is not None:
        return _feedback_on_form(
            assessor=assessor,
            trainee=trainee,
            unit=unit,
            instrument=instrument,
            criteria=list(criteria),
            upload=upload,
            fields={"occurred_on": occurred_on, "source": source, "summary": summary},
        )
    if not indicators:
        raise ValidationError(_("Choose at least one indicator the feedback supports."))
    return _record_with_lines(
        EvidenceRecord(
            trainee=trainee,
            unit=unit,
            kind=EvidenceKind.CUSTOMER_FEEDBACK,
            method=KIND_METHOD[EvidenceKind.CUSTOMER_FEEDBACK],
            occurred_on=occurred_on,
            source=source,
            summary=summary,
            recorded_by=assessor,
        ),
        lines=[
            EvidenceLine(indicator=ind, label=ind.code, result=ItemResult.SATISFACTORY)
            for ind in indicators
        ],
        actor=assessor,
        data={"sha256": upload.sha256 if upload else ""},
        upload=upload,
    )


def _feedback_on_form(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    instrument: AssessmentInstrument,
    criteria: list[CriterionResult],
    upload: CheckedUpload | None,
    fields: dict,
) -> EvidenceRecord:
    if (
        instrument.kind != InstrumentKind.CUSTOMER_FEEDBACK
        or instrument.unit_id != unit.pk
        or not instrument.live
    ):
        raise ValidationError(
            _("Choose a published customer-feedback form of this unit."), code="instrument"
        )
    by_pk = {c.pk: c for c in instrument_criteria(instrument)}
    if any(c.criterion_id not in by_pk for c in criteria):
        raise ValidationError(
            _("Only the criteria of this form can be recorded. Nothing was recorded."),
            code="not_on_form",
        )
    judged = [c for c in criteria if c.result != ItemResult.NOT_OBSERVED]
    if not judged:
        raise ValidationError(_("Record at least one criterion the customer's feedback speaks to."))
    lines = []
    for c in judged:
        criterion = by_pk[c.criterion_id]
        for indicator in criterion.shown:
            lines.append(
                EvidenceLine(
                    indicator=indicator,
                    criterion=criterion,
                    label=criterion.text,
                    item_ids=criterion.item_ids,
                    result=c.result,
                    comment=c.comment,
                )
            )
    return _record_with_lines(
        EvidenceRecord(
            trainee=trainee,
            unit=unit,
            kind=EvidenceKind.CUSTOMER_FEEDBACK,
            method=KIND_METHOD[EvidenceKind.CUSTOMER_FEEDBACK],
            recorded_by=assessor,
            instrument=instrument,
            instrument_revision_id=instrument.live_revision_id,
            **fields,
        ),
        lines=lines,
        actor=assessor,
        data={"sha256": upload.sha256 if upload else "", "instrument": instrument.pk},
        upload=upload,
    )
