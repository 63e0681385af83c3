"""Every model of the assessments app, one module per feature, imported here so that Django
registers them."""

from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.assignments import AssessorAssignment
from assessments.models.attachments import (
    AttachmentKind,
    EvidenceAttachment,
    ObservationAttachment,
)
from assessments.models.certificates import (
    BulkIssueItem,
    BulkIssueJob,
    Certificate,
    CertificateCounter,
    CertificateDesign,
    CertificateNumberReservation,
    CertificateSignature,
    CertificateSigningKey,
    VerifyRateCounter,
)
from assessments.models.decisions import Decision
from assessments.models.evidence import (
    EvidenceLine,
    EvidenceRecord,
    Judgement,
    JudgementLine,
    ObservationDraft,
    ThirdPartyRequest,
)
from assessments.models.moderation import Moderation, ModerationPolicy
from assessments.models.questions import OralQuestion

__all__ = [
    "Appeal",
    "AppealAssignment",
    "AppealOutcome",
    "AssessorAssignment",
    "AttachmentKind",
    "BulkIssueItem",
    "BulkIssueJob",
    "Certificate",
    "CertificateCounter",
    "CertificateNumberReservation",
    "CertificateDesign",
    "CertificateSignature",
    "CertificateSigningKey",
    "Decision",
    "EvidenceAttachment",
    "EvidenceLine",
    "EvidenceRecord",
    "Judgement",
    "JudgementLine",
    "Moderation",
    "ModerationPolicy",
    "ObservationAttachment",
    "ObservationDraft",
    "OralQuestion",
    "ThirdPartyRequest",
    "VerifyRateCounter",
]
