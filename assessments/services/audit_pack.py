"""The per-trainee assessment record for an auditor's file (the "audit pack"): one PDF with the
unit (tasks and indicators), every piece of evidence with its judgement (method, date, assessor,
instrument and revision, result per indicator or criterion, authentication), the rules of
evidence per indicator as the competency profile judges them now (valid, sufficient, current,
authentic), the decisions with their corrections and moderation, the appeals and their
outcomes, and the certificates (number, status, verification address and QR code).

`audit_pack_render` is the one way to it: it checks who asks, renders, and writes an audit
entry saying who took the record of whom, when. Reading is a fixed number of queries, however
much evidence there is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from assessments import pdf
from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.models.evidence import (
    EvidenceLine,
    EvidenceRecord,
    Judgement,
    JudgementLine,
)
from assessments.models.moderation import Moderation
from assessments.selectors.certificates import _qr_data_uri, certificate_state, verify_url
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import assessment_context, trainees_visible_to
from content.models.framework import AssessmentMethod, Indicator, WorkTask
from content.pages.course import CoursePage
from content.selectors.instruments import validated_revision_ids
from core.audit import audit_record

if TYPE_CHECKING:
    from content.models.framework import CompetencyUnit
    from people.models import User


class AuditPackRefused(PermissionDenied):
    pass


def may_take_audit_pack(user, trainee) -> bool:
    """Admins; assessors whose records of this trainee they may read (their scope, or the
    appeal they review); and the trainee, for their own record."""
    if not user.is_authenticated:
        return False
    if user.pk == trainee.pk:
        return True
    return trainees_visible_to(user).filter(pk=trainee.pk).exists()


@dataclass
class PackEvidence:
    record: EvidenceRecord
    lines: list[EvidenceLine]
    judgements: list[Judgement]
    authentication: str
    instrument_validated: bool | None  # None: gathered without an instrument
    corrected_by: list[EvidenceRecord] = field(default_factory=list)

    @property
    def latest_judgement(self) -> Judgement | None:
        return self.judgements[0] if self.judgements else None


@dataclass
class TrainingHit:
    label: str
    method_label: str
    on: object
    status: str
    indicators: list[str] = field(default_factory=list)


def _unit_tasks(unit: CompetencyUnit) -> list[WorkTask]:
    return list(
        WorkTask.objects.filter(unit=unit)
        .order_by("sort_order", "number", "pk")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "pk"))
        )
    )


def _evidence(trainee, unit, profile) -> list[PackEvidence]:
    records = list(
        EvidenceRecord.objects.filter(trainee=trainee, unit=unit)
        .order_by("occurred_on", "pk")
        .select_related("recorded_by__profile", "instrument", "instrument_revision", "corrects")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=EvidenceLine.objects.select_related("indicator", "criterion").order_by(
                    "pk"
                ),
            ),
            Prefetch(
                "judgements",
                queryset=Judgement.objects.select_related("assessor__profile")
                .prefetch_related(
                    "indicators",
                    Prefetch(
                        "lines",
                        queryset=JudgementLine.objects.select_related("indicator").order_by("pk"),
                    ),
                )
                .order_by("-judged_at", "-pk"),
            ),
            Prefetch("corrections", queryset=EvidenceRecord.objects.order_by("pk")),
        )
    )
    validated = validated_revision_ids(r.instrument_revision_id for r in records)
    how = {
        hit.evidence_id: hit.authentication
        for row in profile.rows
        for hit in row.hits
        if hit.evidence_id is not None and hit.authentication
    }
    return [
        PackEvidence(
            record=record,
            lines=list(record.lines.all()),
            judgements=list(record.judgements.all()),
            authentication=how.get(record.pk, ""),
            instrument_validated=(
                record.instrument_revision_id in validated
                if record.instrument_revision_id
                else None
            ),
            corrected_by=list(record.corrections.all()),
        )
        for record in records
    ]


def _training(profile) -> list[TrainingHit]:
    """The training evidence (quizzes, role plays in the course) the profile counted, once per
    activity, with the indicators it bears on."""
    labels = dict(AssessmentMethod.choices)
    found: dict[tuple, TrainingHit] = {}
    for row in profile.rows:
        for hit in row.hits:
            if hit.evidence_id is not None:
                continue
            key = (hit.label, hit.on, hit.method, hit.status)
            entry = found.setdefault(
                key,
                TrainingHit(hit.label, str(labels.get(hit.method, hit.method)), hit.on, hit.status),
            )
            entry.indicators.append(row.indicator.code)
    return sorted(found.values(), key=lambda h: (h.on, h.label))


def _decisions(trainee, unit) -> list[Decision]:
    return list(
        Decision.objects.filter(trainee=trainee, unit=unit)
        .order_by("decided_at", "pk")
        .select_related("assessor__profile", "corrects", "course")
        .prefetch_related(
            Prefetch("corrections", queryset=Decision.objects.order_by("pk")),
            Prefetch(
                "moderations",
                queryset=Moderation.objects.select_related("moderator__profile"),
            ),
        )
    )


def _appeals(trainee, unit) -> list[Appeal]:
    return list(
        Appeal.objects.filter(trainee=trainee, decision__unit=unit)
        .order_by("lodged_at", "pk")
        .select_related("decision")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=AppealAssignment.objects.select_related(
                    "reviewer__profile", "assigned_by__profile"
                ).order_by("assigned_at", "pk"),
            ),
            Prefetch(
                "outcomes",
                queryset=AppealOutcome.objects.select_related("reviewer__profile").order_by(
                    "decided_at", "pk"
                ),
            ),
        )
    )


@dataclass
class PackCertificate:
    certificate: Certificate
    state: str
    verify_url: str
    qr_uri: str


def _certificates(trainee, unit) -> list[PackCertificate]:
    today = timezone.localdate()
    out = []
    for certificate in (
        Certificate.objects.filter(trainee=trainee, unit=unit)
        .order_by("issued_at", "pk")
        .select_related("replaces", "issued_by__profile", "status_changed_by__profile")
    ):
        url = verify_url(certificate)
        out.append(
            PackCertificate(
                certificate, certificate_state(certificate, today), url, _qr_data_uri(url)
            )
        )
    return out


def _course_for(trainee, unit) -> CoursePage | None:
    course = (
        CoursePage.objects.filter(enrolments__trainee=trainee, unit=unit).order_by("pk").first()
    )
    if course is None:
        context_unit, context_course = assessment_context(trainee)
        if context_unit is not None and context_unit.pk == unit.pk:
            course = context_course
    return course


def audit_pack_context(*, trainee, unit, by) -> dict:
    """Everything the audit pack prints (a fixed number of queries)."""
    course = _course_for(trainee, unit)
    profile = competency_profile(trainee=trainee, unit=unit, course=course)
    evidence = _evidence(trainee, unit, profile)
    return {
        "trainee": trainee,
        "unit": unit,
        "course": course,
        "tasks": _unit_tasks(unit),
        "profile": profile,
        "rule": profile.rule,
        "evidence": evidence,
        "training": _training(profile),
        "decisions": _decisions(trainee, unit),
        "appeals": _appeals(trainee, unit),
        "certificates": _certificates(trainee, unit),
        "generated_at": timezone.localtime(),
        "generated_by": by,
    }


@transaction.atomic
def audit_pack_render(*, trainee: User, unit: CompetencyUnit, by: User) -> bytes:
    """The audit pack of `trainee` on `unit` as PDF bytes, for `by` (refused unless
    `may_take_audit_pack`); the audit log records who took it, when, and its SHA-256."""
    if not may_take_audit_pack(by, trainee):
        raise AuditPackRefused(gettext("You may not take the assessment record of this trainee."))
    context = audit_pack_context(trainee=trainee, unit=unit, by=by)
    content = pdf.render_pdf(pdf.AUDIT_PACK_TEMPLATE, context)
    audit_record(
        actor=by,
        action="audit_pack.downloaded",
        obj=unit,
        trainee=trainee,
        summary=unit.code,
        data={
            "unit": unit.code,
            "evidence": len(context["evidence"]),
            "decisions": len(context["decisions"]),
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        },
    )
    return content
