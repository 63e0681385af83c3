"""Evidence an assessor judges after it was recorded: portfolio uploads (by the trainee, or
by an assessor for them) and their judgement, and the judgement of third-party reports."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.evidence import KIND_METHOD, EvidenceKind, EvidenceRecord, Judgement
from assessments.services.evidence import _check_assessor_for, _record_with_lines
from assessments.uploads import CheckedUpload
from content.models.framework import CompetencyUnit, Indicator
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
) -> EvidenceRecord:
    """A trainee uploads their own file, or an assessor uploads one for a trainee in scope.
    Either way the file counts only after an assessor (not the trainee) judges it."""
    if uploader.pk != trainee.pk:
        _check_assessor_for(uploader, trainee)
    return _record_with_lines(
        EvidenceRecord(
            trainee=trainee,
            unit=unit,
            kind=EvidenceKind.PORTFOLIO,
            method=KIND_METHOD[EvidenceKind.PORTFOLIO],
            occurred_on=occurred_on or timezone.localdate(),
            summary=summary,
            recorded_by=uploader,
        ),
        actor=uploader,
        action="evidence.uploaded",
        summary=upload.original_name,
        data={"sha256": upload.sha256, "size": upload.size},
        upload=upload,
    )


@transaction.atomic
def evidence_judge(
    *,
    assessor: User,
    evidence: EvidenceRecord,
    result: str,
    indicators: list[Indicator],
    verification: str = "",
    notes: str = "",
) -> Judgement:
    """Judge evidence the assessor did not record (uploads, third-party reports). Never the
    trainee's own, never by the person it is about, never by the person who uploaded it."""
    _check_assessor_for(assessor, evidence.trainee)
    if evidence.recorded_by_id == assessor.pk and evidence.kind == EvidenceKind.PORTFOLIO:
        raise PermissionDenied(_("Another assessor must judge a file you uploaded yourself."))
    if not evidence.needs_judgement:
        raise ValidationError(_("This evidence was judged when it was recorded."))
    if evidence.kind == EvidenceKind.THIRD_PARTY and not verification:
        raise ValidationError(_("Record how the third-party report was verified."))
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
        },
    )
    return judgement
