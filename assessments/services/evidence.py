"""Writing evidence: observation drafts and submissions, oral questioning and corrections
(customer feedback: `feedback`; third-party reports: `third_party`; uploads and judgements:
`judgements`). Evidence is
append-only: every record is written with its lines and its audit entry by
`_record_with_lines`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    KIND_METHOD,
    EvidenceKind,
    EvidenceLine,
    EvidenceRecord,
    ItemResult,
    ObservationDraft,
)
from assessments.models.questions import OralQuestion
from assessments.selectors.checklist import (
    ChecklistEntry,
    observation_checklist,
    observation_context_for,
)
from assessments.selectors.scope import trainees_for_assessor
from assessments.uploads import CheckedUpload
from content.models.framework import CompetencyUnit
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.models.observation import ObservationContext
from core.audit import audit_record
from people import roles
from people.models import User


def _check_assessor_for(assessor: User, trainee: User) -> None:
    """An assessor works only on trainees in their scope, and never on themselves."""
    if assessor.pk == trainee.pk:
        raise PermissionDenied(_("An assessor cannot assess their own evidence."))
    if (
        not roles.may_decide(assessor)
        or not trainees_for_assessor(assessor).filter(pk=trainee.pk).exists()
    ):
        raise PermissionDenied(_("This trainee is not assigned to you."))


def _record_with_lines(
    record: EvidenceRecord,
    *,
    lines: Iterable[EvidenceLine] = (),
    actor: User | str,
    action: str = "evidence.recorded",
    summary: str | None = None,
    data: dict | None = None,
    upload: CheckedUpload | None = None,
) -> EvidenceRecord:
    """Write a new evidence record (storing its file, if any), its lines and the audit entry
    (`summary` defaults to "<kind> <date>"), in the caller's transaction."""
    if upload is not None:
        record.file_name = storages["private"].save(
            upload.storage_name, ContentFile(upload.content)
        )
        record.file_original_name = upload.original_name
        record.file_content_type = upload.content_type
        record.file_size = upload.size
        record.file_sha256 = upload.sha256
    record.save()
    lines = list(lines)
    for line in lines:
        line.evidence = record
    EvidenceLine.objects.bulk_create(lines)
    audit_record(
        actor=actor,
        action=action,
        obj=record,
        trainee=record.trainee,
        summary=f"{record.get_kind_display()} {record.occurred_on}" if summary is None else summary,
        data=data,
    )
    return record


# --- observations (workplace and role play) -------------------------------------------------


@transaction.atomic
def observation_draft_start(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    kind: str,
    context: str = "",
    instrument: AssessmentInstrument | None = None,
) -> ObservationDraft:
    """Start a checklist in a context: a workplace observation names where it happens (till,
    service desk, back office...); a role play is always in the role-play context, and may
    be run from a published role-play script of the unit (its criteria are the checklist)."""
    _check_assessor_for(assessor, trainee)
    if kind not in (EvidenceKind.OBSERVATION, EvidenceKind.ROLE_PLAY):
        raise ValidationError(_("Unknown kind of observation."))
    chosen = observation_context_for(kind, context)
    if not chosen:
        raise ValidationError(_("Choose where the observation takes place."), code="context")
    if instrument is not None and (
        kind != EvidenceKind.ROLE_PLAY
        or instrument.kind != InstrumentKind.ROLE_PLAY
        or instrument.unit_id != unit.pk
        or not instrument.live
    ):
        raise ValidationError(
            _("Choose a published role-play script of this unit."), code="instrument"
        )
    return ObservationDraft.objects.create(
        assessor=assessor,
        trainee=trainee,
        unit=unit,
        kind=kind,
        context=chosen,
        instrument=instrument,
    )


@transaction.atomic
def observation_draft_autosave(
    *, draft: ObservationDraft, assessor: User, data: dict, revision: int
) -> ObservationDraft:
    """Store the form as typed so far. A stale tab (older revision) does not overwrite."""
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(
            _("This observation has been submitted and is locked."), code="locked"
        )
    if revision < draft.revision:
        raise ValidationError(_("A newer version of this draft is already saved."), code="stale")
    clean = {str(k)[:80]: str(v)[:4000] for k, v in list(data.items())[:500]}
    draft.data = clean
    draft.revision = revision
    draft.save(update_fields=["data", "revision", "updated_at"])
    return draft


@dataclass(frozen=True)
class ItemJudgement:
    entry: ChecklistEntry
    result: str
    comment: str = ""


@transaction.atomic
def observation_submit(
    *,
    draft: ObservationDraft,
    assessor: User,
    occurred_on: date,
    place: str,
    environment: str,
    summary: str,
    items: list[ItemJudgement],
) -> EvidenceRecord:
    """Lock the draft into evidence: one line per behaviour judged (its indicator, item and
    K/S items as the checklist has them). The indicator's result is derived from its lines
    (assessments.selectors.checklist.indicator_result), not judged on its own."""
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(_("This observation has already been submitted."), code="locked")
    _check_assessor_for(assessor, draft.trainee)
    # Only behaviours on this context's checklist can be judged, and they are written as the
    # checklist has them (not as the caller describes them): a row for an indicator title or
    # for a behaviour of another context (a forged POST: T4.1 on a till observation) is
    # refused, and nothing is written.
    instrument = (
        AssessmentInstrument.objects.filter(pk=draft.instrument_id, live=True).first()
        if draft.instrument_id
        else None
    )
    if draft.instrument_id and instrument is None:
        raise ValidationError(
            _("The role-play script of this observation is no longer published."),
            code="instrument",
        )
    checklist = {
        e.key: e for e in observation_checklist(draft.unit, draft.kind, draft.context, instrument)
    }
    if not checklist:
        raise ValidationError(
            _("This observation's context has no observable behaviours to judge."),
            code="context",
        )
    if any(i.entry.key not in checklist for i in items):
        raise ValidationError(
            _(
                "Only the behaviours on the checklist of this observation (%(context)s) "
                "can be judged. Nothing was recorded."
            )
            % {"context": ObservationContext(draft.context).label},
            code="not_on_checklist",
        )
    items = [ItemJudgement(checklist[i.entry.key], i.result, i.comment) for i in items]
    if not any(i.result != ItemResult.NOT_OBSERVED for i in items):
        raise ValidationError(_("Judge at least one item as satisfactory or not yet satisfactory."))
    record = _record_with_lines(
        EvidenceRecord(
            trainee=draft.trainee,
            unit=draft.unit,
            kind=draft.kind,
            method=KIND_METHOD[draft.kind],
            context=draft.context,
            occurred_on=occurred_on,
            place=place,
            environment=environment,
            summary=summary,
            recorded_by=assessor,
            instrument=instrument,
            instrument_revision_id=instrument.live_revision_id if instrument else None,
        ),
        lines=[
            EvidenceLine(
                indicator_id=indicator_id,
                observation_item_id=i.entry.observation_item_id,
                criterion_id=i.entry.criterion_id,
                label=i.entry.label,
                item_ids=list(i.entry.item_ids),
                result=i.result,
                comment=i.comment,
            )
            for i in items
            for indicator_id in (i.entry.indicator_ids or (i.entry.indicator_id,))
        ],
        actor=assessor,
        data={
            "context": draft.context,
            "lines": len(items),
            "satisfactory": sum(i.result == ItemResult.SATISFACTORY for i in items),
        },
    )
    draft.evidence = record
    draft.data = {}
    draft.save(update_fields=["evidence", "data", "updated_at"])
    return record


# --- oral questioning ------------------------------------------------------------------------


@dataclass(frozen=True)
class OralAnswer:
    question: OralQuestion
    answer: str
    result: str
    comment: str = ""


@transaction.atomic
def questioning_record(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    occurred_on: date,
    place: str,
    answers: list[OralAnswer],
) -> EvidenceRecord:
    _check_assessor_for(assessor, trainee)
    answers = [a for a in answers if a.result != ItemResult.NOT_OBSERVED or a.answer.strip()]
    if not answers:
        raise ValidationError(_("Record at least one answer."))
    for a in answers:
        if a.question.unit_id != unit.pk:
            raise ValidationError(_("A question does not belong to this unit."))
    return _record_with_lines(
        EvidenceRecord(
            trainee=trainee,
            unit=unit,
            kind=EvidenceKind.QUESTIONING,
            method=KIND_METHOD[EvidenceKind.QUESTIONING],
            occurred_on=occurred_on,
            place=place,
            recorded_by=assessor,
        ),
        lines=[
            EvidenceLine(
                indicator_id=a.question.indicator_id,
                oral_question=a.question,
                label=a.question.text,
                item_ids=[i.pk for i in a.question.competency_items.all()],
                result=a.result,
                answer=a.answer,
                comment=a.comment,
            )
            for a in answers
        ],
        actor=assessor,
        data={"questions": len(answers)},
    )


# --- correction ------------------------------------------------------------------------------


@transaction.atomic
def evidence_correct(
    *,
    assessor: User,
    original: EvidenceRecord,
    reason: str,
    summary: str,
    line_results: dict[int, str],
) -> EvidenceRecord:
    """A correction is a new record copying the original with the corrected results; the
    original stays and is no longer counted."""
    _check_assessor_for(assessor, original.trainee)
    if not reason.strip():
        raise ValidationError(_("Say why the record is corrected."))
    if original.corrections.exists():
        raise ValidationError(
            _("This record has already been corrected; correct the latest version.")
        )
    fields = {
        f.name: getattr(original, f.name)
        for f in EvidenceRecord._meta.concrete_fields
        if f.name
        not in ("id", "recorded_at", "recorded_by", "corrects", "correction_reason", "summary")
    }
    return _record_with_lines(
        EvidenceRecord(
            **fields,
            summary=summary,
            recorded_by=assessor,
            corrects=original,
            correction_reason=reason,
        ),
        lines=[
            EvidenceLine(
                indicator_id=line.indicator_id,
                observation_item_id=line.observation_item_id,
                oral_question_id=line.oral_question_id,
                label=line.label,
                item_ids=line.item_ids,
                result=line_results.get(line.pk, line.result),
                answer=line.answer,
                comment=line.comment,
            )
            for line in original.lines.all()
        ],
        actor=assessor,
        action="evidence.corrected",
        summary=reason,
        data={"corrects": original.pk},
    )
