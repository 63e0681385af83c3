"""Writing evidence: observation drafts and submissions, customer feedback, oral questioning,
uploads, third-party reports, judgements and corrections. Evidence is append-only."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models.evidence import (
    KIND_METHOD,
    EvidenceKind,
    EvidenceLine,
    EvidenceRecord,
    ItemResult,
    Judgement,
    ObservationDraft,
    ThirdPartyRequest,
)
from assessments.models.questions import OralQuestion
from assessments.selectors.checklist import ChecklistEntry
from assessments.selectors.scope import trainees_for_assessor
from assessments.services.audit import audit_record
from assessments.uploads import CheckedUpload
from content.models.framework import Indicator
from core.languages import current_language
from core.services.delivery import delivery_queue
from people import roles

THIRD_PARTY_LINK_DAYS = 14


def _check_assessor_for(assessor, trainee) -> None:
    """An assessor works only on trainees in their scope, and never on themselves."""
    if assessor.pk == trainee.pk:
        raise PermissionDenied(_("An assessor cannot assess their own evidence."))
    if (
        not roles.may_decide(assessor)
        or not trainees_for_assessor(assessor).filter(pk=trainee.pk).exists()
    ):
        raise PermissionDenied(_("This trainee is not assigned to you."))


def _save_file(record_kwargs: dict, upload: CheckedUpload | None) -> None:
    if upload is None:
        return
    stored = storages["private"].save(upload.storage_name, ContentFile(upload.content))
    record_kwargs.update(
        file_name=stored,
        file_original_name=upload.original_name,
        file_content_type=upload.content_type,
        file_size=upload.size,
        file_sha256=upload.sha256,
    )


# --- observations (workplace and role play) -------------------------------------------------


@transaction.atomic
def observation_draft_start(*, assessor, trainee, unit, kind: str) -> ObservationDraft:
    _check_assessor_for(assessor, trainee)
    if kind not in (EvidenceKind.OBSERVATION, EvidenceKind.ROLE_PLAY):
        raise ValidationError(_("Unknown kind of observation."))
    draft = ObservationDraft.objects.create(
        assessor=assessor, trainee=trainee, unit=unit, kind=kind
    )
    return draft


@transaction.atomic
def observation_draft_autosave(
    *, draft: ObservationDraft, assessor, data: dict, revision: int
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
    assessor,
    occurred_on: date,
    place: str,
    environment: str,
    summary: str,
    items: list[ItemJudgement],
) -> EvidenceRecord:
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(_("This observation has already been submitted."), code="locked")
    _check_assessor_for(assessor, draft.trainee)
    if not any(i.result != ItemResult.NOT_OBSERVED for i in items):
        raise ValidationError(_("Judge at least one item as satisfactory or not yet satisfactory."))
    record = EvidenceRecord.objects.create(
        trainee=draft.trainee,
        unit=draft.unit,
        kind=draft.kind,
        method=KIND_METHOD[draft.kind],
        occurred_on=occurred_on,
        place=place,
        environment=environment,
        summary=summary,
        recorded_by=assessor,
    )
    EvidenceLine.objects.bulk_create(
        [
            EvidenceLine(
                evidence=record,
                indicator_id=i.entry.indicator_id,
                observation_item_id=i.entry.observation_item_id,
                label=i.entry.label,
                item_ids=list(i.entry.item_ids),
                result=i.result,
                comment=i.comment,
            )
            for i in items
        ]
    )
    draft.evidence = record
    draft.data = {}
    draft.save(update_fields=["evidence", "data", "updated_at"])
    audit_record(
        actor=assessor,
        action="evidence.recorded",
        obj=record,
        trainee=record.trainee,
        summary=f"{record.get_kind_display()} {occurred_on}",
        data={
            "lines": len(items),
            "satisfactory": sum(i.result == ItemResult.SATISFACTORY for i in items),
        },
    )
    return record


# --- customer feedback -----------------------------------------------------------------------


@transaction.atomic
def customer_feedback_record(
    *,
    assessor,
    trainee,
    unit,
    source: str,
    occurred_on: date,
    summary: str,
    indicators: list[Indicator],
    upload: CheckedUpload | None = None,
) -> EvidenceRecord:
    _check_assessor_for(assessor, trainee)
    if not indicators:
        raise ValidationError(_("Choose at least one indicator the feedback supports."))
    kwargs = {
        "trainee": trainee,
        "unit": unit,
        "kind": EvidenceKind.CUSTOMER_FEEDBACK,
        "method": KIND_METHOD[EvidenceKind.CUSTOMER_FEEDBACK],
        "occurred_on": occurred_on,
        "source": source,
        "summary": summary,
        "recorded_by": assessor,
    }
    _save_file(kwargs, upload)
    record = EvidenceRecord.objects.create(**kwargs)
    EvidenceLine.objects.bulk_create(
        [
            EvidenceLine(
                evidence=record, indicator=ind, label=ind.code, result=ItemResult.SATISFACTORY
            )
            for ind in indicators
        ]
    )
    audit_record(
        actor=assessor,
        action="evidence.recorded",
        obj=record,
        trainee=trainee,
        summary=f"{record.get_kind_display()} {occurred_on}",
        data={"sha256": record.file_sha256},
    )
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
    *, assessor, trainee, unit, occurred_on: date, place: str, answers: list[OralAnswer]
) -> EvidenceRecord:
    _check_assessor_for(assessor, trainee)
    answers = [a for a in answers if a.result != ItemResult.NOT_OBSERVED or a.answer.strip()]
    if not answers:
        raise ValidationError(_("Record at least one answer."))
    for a in answers:
        if a.question.unit_id != unit.pk:
            raise ValidationError(_("A question does not belong to this unit."))
    record = EvidenceRecord.objects.create(
        trainee=trainee,
        unit=unit,
        kind=EvidenceKind.QUESTIONING,
        method=KIND_METHOD[EvidenceKind.QUESTIONING],
        occurred_on=occurred_on,
        place=place,
        recorded_by=assessor,
    )
    EvidenceLine.objects.bulk_create(
        [
            EvidenceLine(
                evidence=record,
                indicator_id=a.question.indicator_id,
                oral_question=a.question,
                label=a.question.text,
                item_ids=[i.pk for i in a.question.competency_items.all()],
                result=a.result,
                answer=a.answer,
                comment=a.comment,
            )
            for a in answers
        ]
    )
    audit_record(
        actor=assessor,
        action="evidence.recorded",
        obj=record,
        trainee=trainee,
        summary=f"{record.get_kind_display()} {occurred_on}",
        data={"questions": len(answers)},
    )
    return record


# --- portfolio uploads -----------------------------------------------------------------------


@transaction.atomic
def portfolio_upload(
    *, uploader, trainee, unit, upload: CheckedUpload, summary: str, occurred_on: date | None = None
) -> EvidenceRecord:
    """A trainee uploads their own file, or an assessor uploads one for a trainee in scope.
    Either way the file counts only after an assessor (not the trainee) judges it."""
    if uploader.pk != trainee.pk:
        _check_assessor_for(uploader, trainee)
    kwargs = {
        "trainee": trainee,
        "unit": unit,
        "kind": EvidenceKind.PORTFOLIO,
        "method": KIND_METHOD[EvidenceKind.PORTFOLIO],
        "occurred_on": occurred_on or timezone.localdate(),
        "summary": summary,
        "recorded_by": uploader,
    }
    _save_file(kwargs, upload)
    record = EvidenceRecord.objects.create(**kwargs)
    audit_record(
        actor=uploader,
        action="evidence.uploaded",
        obj=record,
        trainee=trainee,
        summary=upload.original_name,
        data={"sha256": upload.sha256, "size": upload.size},
    )
    return record


# --- third-party reports ---------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def third_party_link(token: str, *, language: str) -> str:
    """The absolute link a supervisor opens, in the language the request was made in."""
    with translation.override(language):
        path = reverse("assessments:third_party_form", args=[token])
    return settings.SITE_BASE_URL.rstrip("/") + path


def _third_party_mail(
    *, third_party_request: ThirdPartyRequest, token: str, assessor, language: str
) -> str:
    """Queue the link for the supervisor (who has no account: the assessor's language).
    Returns the link."""
    link = third_party_link(token, language=language)
    trainee = third_party_request.trainee
    with translation.override(language):
        subject = _("Workplace report requested for %(name)s") % {"name": trainee.printed_name}
        body = _(
            "Dear %(supervisor)s,\n\n%(assessor)s asks you for a short report on %(name)s's work "
            "(unit %(unit)s). The link works once, until %(expires)s, and needs no account:\n\n%(link)s\n"
        ) % {
            "supervisor": third_party_request.supervisor_name,
            "assessor": assessor.printed_name,
            "name": trainee.printed_name,
            "unit": third_party_request.unit.code,
            "expires": timezone.localtime(third_party_request.expires_at).strftime("%Y-%m-%d"),
            "link": link,
        }
    delivery_queue(
        recipient=third_party_request.supervisor_email,
        subject=subject,
        body=body,
        language=language,
        kind="third_party.link",
    )
    return link


@transaction.atomic
def third_party_request_create(
    *,
    assessor,
    trainee,
    unit,
    supervisor_name: str,
    supervisor_email: str,
    days: int = THIRD_PARTY_LINK_DAYS,
    language: str | None = None,
) -> tuple[ThirdPartyRequest, str]:
    """Returns the request and the raw token (256 random bits), which is never stored.
    The link is e-mailed to the supervisor after commit, written in `language` (default:
    the active one, i.e. the assessor's)."""
    _check_assessor_for(assessor, trainee)
    token = secrets.token_urlsafe(32)
    request = ThirdPartyRequest.objects.create(
        token_hash=_hash_token(token),
        trainee=trainee,
        unit=unit,
        requested_by=assessor,
        supervisor_name=supervisor_name,
        supervisor_email=supervisor_email,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=assessor,
        action="third_party.requested",
        obj=request,
        trainee=trainee,
        summary=supervisor_name,
        data={"expires_at": request.expires_at.isoformat()},
    )
    _third_party_mail(
        third_party_request=request,
        token=token,
        assessor=assessor,
        language=language or current_language(),
    )
    return request, token


def _third_party_locked(third_party_request: ThirdPartyRequest, assessor) -> ThirdPartyRequest:
    locked = (
        ThirdPartyRequest.objects.select_for_update(of=("self",))
        .select_related("trainee__profile", "unit")
        .get(pk=third_party_request.pk)
    )
    _check_assessor_for(assessor, locked.trainee)
    if locked.used_at is not None:
        raise ValidationError(_("The supervisor has already answered this request."))
    return locked


@transaction.atomic
def third_party_request_resend(
    *,
    assessor,
    third_party_request: ThirdPartyRequest,
    days: int = THIRD_PARTY_LINK_DAYS,
    language: str | None = None,
) -> tuple[ThirdPartyRequest, str]:
    """A new link for an unanswered request (live, expired or cancelled): a new token, so
    the old link stops working, a new expiry, an audit entry and a new e-mail."""
    locked = _third_party_locked(third_party_request, assessor)
    token = secrets.token_urlsafe(32)
    locked.token_hash = _hash_token(token)
    locked.expires_at = timezone.now() + timedelta(days=days)
    locked.save(update_fields=["token_hash", "expires_at"])
    audit_record(
        actor=assessor,
        action="third_party.resent",
        obj=locked,
        trainee=locked.trainee,
        summary=locked.supervisor_name,
        data={"expires_at": locked.expires_at.isoformat()},
    )
    _third_party_mail(
        third_party_request=locked,
        token=token,
        assessor=assessor,
        language=language or current_language(),
    )
    return locked, token


@transaction.atomic
def third_party_request_cancel(
    *, assessor, third_party_request: ThirdPartyRequest
) -> ThirdPartyRequest:
    """Withdraw a live link: it expires now (the supervisor is told it no longer works)."""
    locked = _third_party_locked(third_party_request, assessor)
    now = timezone.now()
    if locked.expires_at <= now:
        raise ValidationError(_("This link no longer works: it has expired or been cancelled."))
    locked.expires_at = now
    locked.save(update_fields=["expires_at"])
    audit_record(
        actor=assessor,
        action="third_party.cancelled",
        obj=locked,
        trainee=locked.trainee,
        summary=locked.supervisor_name,
    )
    return locked


class LinkRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "unknown" | "expired" | "used"


def third_party_request_for_token(token: str, *, for_update: bool = False) -> ThirdPartyRequest:
    qs = ThirdPartyRequest.objects.select_related("trainee__profile", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    request = qs.filter(token_hash=_hash_token(token or "")).first()
    if request is None:
        raise LinkRefused("unknown")
    if request.used_at is not None:
        raise LinkRefused("used")
    if request.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return request


@dataclass(frozen=True)
class IndicatorReport:
    indicator: Indicator
    result: str
    comment: str = ""


@transaction.atomic
def third_party_report_submit(
    *,
    token: str,
    supervisor_name: str,
    supervisor_role: str,
    declared: bool,
    observed_from: date,
    summary: str,
    reports: list[IndicatorReport],
) -> EvidenceRecord:
    request = third_party_request_for_token(token, for_update=True)
    if not declared:
        raise ValidationError(_("Please confirm the declaration."))
    for r in reports:
        if r.indicator.unit_id != request.unit_id:
            raise ValidationError(_("An indicator does not belong to this unit."))
    record = EvidenceRecord.objects.create(
        trainee=request.trainee,
        unit=request.unit,
        kind=EvidenceKind.THIRD_PARTY,
        method=KIND_METHOD[EvidenceKind.THIRD_PARTY],
        occurred_on=observed_from,
        summary=summary,
        recorded_by=None,
        third_party_name=supervisor_name,
        third_party_role=supervisor_role,
        third_party_declared=True,
    )
    EvidenceLine.objects.bulk_create(
        [
            EvidenceLine(
                evidence=record,
                indicator=r.indicator,
                label=r.indicator.code,
                result=r.result,
                comment=r.comment,
            )
            for r in reports
        ]
    )
    request.used_at = timezone.now()
    request.evidence = record
    request.save(update_fields=["used_at", "evidence"])
    audit_record(
        actor=f"{supervisor_name} (third party)",
        action="evidence.third_party_report",
        obj=record,
        trainee=request.trainee,
        summary=supervisor_name,
        data={"request": request.pk},
    )
    return record


# --- judgement and correction ----------------------------------------------------------------


@transaction.atomic
def evidence_judge(
    *,
    assessor,
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


@transaction.atomic
def evidence_correct(
    *, assessor, original: EvidenceRecord, reason: str, summary: str, line_results: dict[int, str]
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
    record = EvidenceRecord.objects.create(
        **fields, summary=summary, recorded_by=assessor, corrects=original, correction_reason=reason
    )
    EvidenceLine.objects.bulk_create(
        [
            EvidenceLine(
                evidence=record,
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
        ]
    )
    audit_record(
        actor=assessor,
        action="evidence.corrected",
        obj=record,
        trainee=original.trainee,
        summary=reason,
        data={"corrects": original.pk},
    )
    return record
