"""Third-party reports: an assessor asks a trainee's supervisor for a report through a
one-off link (256 random bits, only its hash stored) e-mailed through core's outbox; the
supervisor answers without an account, and the answer becomes evidence."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
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
    ThirdPartyRequest,
)
from assessments.services.evidence import _check_assessor_for, _record_with_lines
from content.models.framework import CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.selectors.instruments import instrument_criteria
from core.audit import audit_record
from core.languages import current_language
from core.services import delivery_queue
from people.models import User

THIRD_PARTY_LINK_DAYS = 14


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def third_party_link(token: str, *, language: str) -> str:
    """The absolute link a supervisor opens, in the language the request was made in."""
    with translation.override(language):
        path = reverse("assessments:third_party_form", args=[token])
    return settings.SITE_BASE_URL.rstrip("/") + path


def _third_party_mail(
    *, third_party_request: ThirdPartyRequest, token: str, assessor: User, language: str
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
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    supervisor_name: str,
    supervisor_email: str,
    days: int = THIRD_PARTY_LINK_DAYS,
    language: str | None = None,
    instrument: AssessmentInstrument | None = None,
) -> tuple[ThirdPartyRequest, str]:
    """Returns the request and the raw token (256 random bits), which is never stored.
    The link is e-mailed to the supervisor after commit, written in `language` (default:
    the active one, i.e. the assessor's). `instrument`: the unit's published third-party
    prompts the supervisor answers (None: one row per indicator)."""
    _check_assessor_for(assessor, trainee)
    if instrument is not None and (
        instrument.kind != InstrumentKind.THIRD_PARTY
        or instrument.unit_id != unit.pk
        or not instrument.live
    ):
        raise ValidationError(
            _("Choose published third-party report prompts of this unit."), code="instrument"
        )
    token = secrets.token_urlsafe(32)
    request = ThirdPartyRequest.objects.create(
        token_hash=_hash_token(token),
        trainee=trainee,
        unit=unit,
        requested_by=assessor,
        supervisor_name=supervisor_name,
        supervisor_email=supervisor_email,
        instrument=instrument,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=assessor,
        action="third_party.requested",
        obj=request,
        trainee=trainee,
        summary=supervisor_name,
        data={
            "expires_at": request.expires_at.isoformat(),
            "instrument": instrument.pk if instrument else None,
        },
    )
    _third_party_mail(
        third_party_request=request,
        token=token,
        assessor=assessor,
        language=language or current_language(),
    )
    return request, token


def _third_party_locked(
    third_party_request: ThirdPartyRequest, assessor: User
) -> ThirdPartyRequest:
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
    assessor: User,
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
    *, assessor: User, third_party_request: ThirdPartyRequest
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
    qs = ThirdPartyRequest.objects.select_related("trainee__profile", "unit", "instrument")
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


@dataclass(frozen=True)
class CriterionReport:
    """The supervisor's answer to one prompt (criterion) of the request's instrument; the
    id is as posted (None: the row named no criterion), so a forged row can be refused."""

    criterion_id: int | None
    result: str
    comment: str = ""


def _criterion_lines(
    request: ThirdPartyRequest,
    instrument: AssessmentInstrument,
    criteria: Sequence[CriterionReport],
) -> list[EvidenceLine]:
    """One line per (criterion, indicator of the unit it shows), labelled with the
    criterion's text. A row that is not a criterion of the request's prompts is refused."""
    known = {c.pk: c for c in instrument_criteria(instrument)}
    if any(r.criterion_id not in known for r in criteria):
        raise ValidationError(
            _("A row of this report is not one of its prompts. Nothing was recorded."),
            code="not_a_prompt",
        )
    lines = []
    for r in criteria:
        criterion = known[r.criterion_id]
        for indicator in criterion.shown:
            lines.append(
                EvidenceLine(
                    indicator=indicator,
                    criterion=criterion,
                    label=criterion.text,
                    item_ids=criterion.item_ids,
                    result=r.result if r.result in ItemResult.values else ItemResult.NOT_OBSERVED,
                    comment=r.comment,
                )
            )
    return lines


@transaction.atomic
def third_party_report_submit(
    *,
    token: str,
    supervisor_name: str,
    supervisor_role: str,
    declared: bool,
    observed_from: date,
    summary: str,
    reports: Sequence[IndicatorReport] = (),
    criteria: Sequence[CriterionReport] = (),
) -> EvidenceRecord:
    """The supervisor's report: per indicator (`reports`) on a request without prompts,
    per prompt (`criteria`) on a request with an instrument; the record then names the
    instrument and its live revision at this moment."""
    request = third_party_request_for_token(token, for_update=True)
    if not declared:
        raise ValidationError(_("Please confirm the declaration."))
    instrument = None
    if request.instrument_id:
        instrument = AssessmentInstrument.objects.filter(
            pk=request.instrument_id, live=True
        ).first()
        if instrument is None:
            raise ValidationError(
                _(
                    "The questions of this report have been withdrawn. Please ask the "
                    "assessor for a new link."
                ),
                code="instrument",
            )
        if reports:
            raise ValidationError(
                _("A row of this report is not one of its prompts. Nothing was recorded."),
                code="not_a_prompt",
            )
        lines = _criterion_lines(request, instrument, list(criteria))
    else:
        if criteria:
            raise ValidationError(
                _("A row of this report is not one of its prompts. Nothing was recorded."),
                code="not_a_prompt",
            )
        for r in reports:
            if r.indicator.unit_id != request.unit_id:
                raise ValidationError(_("An indicator does not belong to this unit."))
        lines = [
            EvidenceLine(
                indicator=r.indicator, label=r.indicator.code, result=r.result, comment=r.comment
            )
            for r in reports
        ]
    record = _record_with_lines(
        EvidenceRecord(
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
            instrument=instrument,
            instrument_revision_id=instrument.live_revision_id if instrument else None,
        ),
        lines=lines,
        actor=f"{supervisor_name} (third party)",
        action="evidence.third_party_report",
        summary=supervisor_name,
        data={
            "request": request.pk,
            "instrument": instrument.pk if instrument else None,
            "instrument_revision": instrument.live_revision_id if instrument else None,
        },
    )
    request.used_at = timezone.now()
    request.evidence = record
    request.draft = {}
    request.save(update_fields=["used_at", "evidence", "draft"])
    return record


DRAFT_HEADER_FIELDS = ("supervisor_name", "supervisor_role", "observed_from", "summary")
DRAFT_MAX_FIELDS = 400
DRAFT_MAX_CHARS = 4000


def _draft_key(key: str) -> bool:
    return key in DRAFT_HEADER_FIELDS or (key[:2] in ("r_", "c_") and len(key) <= 40)


@transaction.atomic
def third_party_draft_save(*, token: str, answers: dict[str, str]) -> ThirdPartyRequest:
    """Keep what the supervisor has written so far, to finish later through the same link.
    Only the form's own fields are kept, clipped; the declaration is never kept (it is
    signed when the report is sent). A draft is not evidence. Refused like the form once
    the link is used, cancelled or expired."""
    request = third_party_request_for_token(token, for_update=True)
    kept = {
        key: str(value)[:DRAFT_MAX_CHARS]
        for key, value in list(answers.items())[: DRAFT_MAX_FIELDS * 2]
        if _draft_key(key)
    }
    request.draft = dict(list(kept.items())[:DRAFT_MAX_FIELDS])
    request.draft_saved_at = timezone.now()
    request.save(update_fields=["draft", "draft_saved_at"])
    audit_record(
        actor=f"{request.supervisor_name} (third party)",
        action="third_party.draft_saved",
        obj=request,
        trainee=request.trainee,
        summary=request.supervisor_name,
    )
    return request
