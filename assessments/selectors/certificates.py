"""Reads about certificates shared by views, services, tasks and the bench."""

import datetime
import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from assessments.models.certificates import (
    Certificate,
    CertificateDesign,
    CertificateSignature,
)
from assessments.models.decisions import Decision
from assessments.pdf import certificate_design_context
from assessments.selectors.moderation import awaiting_moderation_q
from core.pdf import data_uri
from people import roles

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
NUMBER_RE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


# --- scope ---------------------------------------------------------------------------


def _assessor_scope(user) -> Q:
    scope = Q(decision__assessor=user)
    try:
        apps.get_model("assessments", "AssessorAssignment")
    except LookupError:
        return scope
    return (
        scope
        | Q(trainee__profile__cohorts__assessor_assignments__assessor=user)
        | Q(trainee__profile__store__assessor_assignments__assessor=user)
    )


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Certificates a user may see and download: their own, those of trainees they assess
    (their decisions or their assigned cohorts / stores), or all for admins."""
    qs = Certificate.objects.select_related("unit", "decision", "trainee", "replaces")
    if not user.is_authenticated:
        return qs.none()
    if roles.is_admin(user):
        return qs
    scope = Q(trainee=user)
    if roles.is_assessor(user):
        scope |= _assessor_scope(user)
    ids = Certificate.objects.filter(scope).values("pk")
    return qs.filter(pk__in=ids)


def decisions_issuable_by(user) -> QuerySet[Decision]:
    """Decisions the user may issue a certificate for: admins all, assessors their own."""
    qs = Decision.objects.select_related("trainee", "unit", "course")
    if roles.is_admin(user):
        return qs
    if roles.is_assessor(user):
        return qs.filter(assessor=user)
    return qs.none()


def decisions_awaiting_certificate(user) -> QuerySet[Decision]:
    """Competent, uncorrected decisions without a certificate that this user may issue (not
    those waiting for moderation by a second assessor)."""
    has_certificate = Certificate.objects.filter(decision=OuterRef("pk"))
    corrected = Decision.objects.filter(corrects=OuterRef("pk"))
    return (
        decisions_issuable_by(user)
        .filter(outcome=Decision.Outcome.COMPETENT)
        .exclude(Exists(has_certificate))
        .exclude(Exists(corrected))
        .exclude(awaiting_moderation_q())
        .select_related("trainee__profile", "unit")
        .order_by("-decided_at", "-pk")
    )


def decision_is_current(decision: Decision) -> bool:
    return not decision.corrections.exists()


def decision_original_certificate(decision: Decision) -> Certificate | None:
    return (
        Certificate.objects.filter(decision=decision, replaces__isnull=True).order_by("pk").first()
    )


def bulk_issue_candidates(*, cohort, unit) -> QuerySet[Decision]:
    """Competent, uncorrected decisions of the cohort's members on the unit with no certificate."""
    has_certificate = Certificate.objects.filter(decision=OuterRef("pk"))
    corrected = Decision.objects.filter(corrects=OuterRef("pk"))
    return (
        Decision.objects.filter(
            outcome=Decision.Outcome.COMPETENT,
            unit=unit,
            trainee__profile__cohorts=cohort,
        )
        .exclude(Exists(has_certificate))
        .exclude(Exists(corrected))
        .select_related("trainee__profile", "unit", "assessor")
        .order_by("trainee__profile__full_name", "pk")
        .distinct()
    )


# --- verification ------------------------------------------------------------------------


class VerifyState:
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


def certificate_state(certificate: Certificate, today: datetime.date | None = None) -> str:
    if certificate.status == Certificate.Status.REVOKED:
        return VerifyState.REVOKED
    if certificate.status == Certificate.Status.SUPERSEDED:
        return VerifyState.SUPERSEDED
    today = today or timezone.localdate()
    if certificate.expires_on and certificate.expires_on < today:
        return VerifyState.EXPIRED
    return VerifyState.VALID


def certificate_by_code(code: str) -> Certificate | None:
    if not CODE_RE.match(code or ""):
        return None
    return (
        Certificate.objects.select_related("unit", "course").filter(verification_code=code).first()
    )


def normalise_name(name: str) -> str:
    """A name as compared on the verify page: NFC, outer whitespace trimmed."""
    return unicodedata.normalize("NFC", (name or "").strip())


def certificate_by_number_and_name(number: str, name: str) -> Certificate | None:
    """The certificate with this number whose holder's name as printed is exactly `name`
    (NFC, trimmed). A wrong name answers None, like an unknown number: the number alone
    (sequential, guessable) finds nothing."""
    number = (number or "").strip().upper()
    name = normalise_name(name)
    if not NUMBER_RE.match(number) or not name:
        return None
    certificate = Certificate.objects.select_related("unit", "course").filter(number=number).first()
    expected = normalise_name(certificate.holder_name) if certificate else ""
    # compare_digest: no early exit at the first differing character
    matches = hmac.compare_digest(expected.encode("utf-8"), name.encode("utf-8"))
    return certificate if certificate is not None and matches else None


def certificate_replacement(certificate: Certificate) -> Certificate | None:
    return Certificate.objects.filter(replaces=certificate).first()


def _graphemes(text: str) -> list[str]:
    """Split into user-perceived characters: a base character with its combining marks."""
    out: list[str] = []
    for char in text:
        if out and (unicodedata.combining(char) or char in "\u200d\ufe0f"):
            out[-1] += char
        else:
            out.append(char)
    return out


def mask_name(name: str) -> str:
    """陳大文 -> 陳*文, 王明 -> 王*, Alice Chen -> A***e C**n."""
    words = name.split()
    if len(words) > 1:
        return " ".join(mask_name(word) for word in words)
    chars = _graphemes(name)
    if len(chars) <= 1:
        return name
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def verify_url(certificate: Certificate) -> str:
    with translation.override(None):
        path = reverse("verify:certificate", kwargs={"code": certificate.verification_code})
    return settings.SITE_BASE_URL.rstrip("/") + path


def absolute_url(name: str, **kwargs) -> str:
    with translation.override(None):
        path = reverse(name, kwargs=kwargs or None)
    return settings.SITE_BASE_URL.rstrip("/") + path


# --- printing ----------------------------------------------------------------------------


@dataclass
class PrintTask:
    code: str
    title: str


def design_load() -> CertificateDesign:
    return CertificateDesign.load()


def _image_data_uri(image, spec: str) -> str:
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    ext = rendition.file.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}.get(
        ext, "image/png"
    )
    return data_uri(content, content_type)


def _qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(border=0, dark="#000")


def _truncate(text: str, limit: int) -> str:
    return Truncator(unicodedata.normalize("NFC", text or "")).chars(limit)


def print_context(
    *,
    design: CertificateDesign,
    holder_name: str,
    unit,
    tasks: list[PrintTask],
    assessed_on: datetime.date,
    issued_on: datetime.date,
    expires_on: datetime.date | None,
    assessor_name: str,
    signature_image,
    number: str,
    verification_url: str,
) -> dict:
    primary = design.primary_colour if COLOUR_RE.match(design.primary_colour or "") else "#1f3a5f"
    accent = design.accent_colour if COLOUR_RE.match(design.accent_colour or "") else "#b8860b"
    return {
        **certificate_design_context(design),  # layout, seal, signatory
        "organisation_name_zh": _truncate(design.organisation_name_zh, 40),
        "organisation_name_en": _truncate(design.organisation_name_en, 80),
        "logo_uri": _image_data_uri(design.logo, "max-400x160"),
        "primary_colour": primary,
        "accent_colour": accent,
        "footer_text_zh": _truncate(design.footer_text_zh, 100),
        "footer_text_en": _truncate(design.footer_text_en, 160),
        "holder_name": _truncate(holder_name, 100),
        "holder_size": "l" if len(holder_name) <= 16 else ("m" if len(holder_name) <= 40 else "s"),
        "unit_code": _truncate(unit.code, 40),
        "unit_title": _truncate(unit.title, 80),
        "unit_title_en": _truncate(unit.title_en, 100),
        "unit_level": unit.level,
        "tasks": [PrintTask(_truncate(t.code, 10), _truncate(t.title, 60)) for t in tasks[:6]],
        "assessed_on": assessed_on,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "assessor_name": _truncate(assessor_name, 40),
        "signature_uri": _image_data_uri(signature_image, "max-400x120"),
        "number": number,
        "verify_url": verification_url,
        "qr_uri": _qr_data_uri(verification_url),
    }


def signature_for(design: CertificateDesign, assessor) -> object | None:
    signature = (
        CertificateSignature.objects.filter(design=design, assessor=assessor)
        .select_related("image")
        .first()
    )
    return signature.image if signature else None


def certificate_print_context(certificate: Certificate) -> dict:
    design = design_load()
    decision = certificate.decision
    return print_context(
        design=design,
        holder_name=certificate.holder_name,
        unit=certificate.unit,
        tasks=[
            PrintTask(t.code, t.title)
            for t in certificate.unit.tasks.order_by("sort_order", "number")
        ],
        assessed_on=decision.assessed_on,
        issued_on=timezone.localtime(certificate.issued_at).date(),
        expires_on=certificate.expires_on,
        assessor_name=certificate.assessor_name,
        signature_image=signature_for(design, decision.assessor_id),
        number=certificate.number,
        verification_url=verify_url(certificate),
    )


def sample_print_context(design: CertificateDesign | None = None) -> dict:
    """Sample data for the admin preview and the bench (no database rows needed)."""
    from types import SimpleNamespace

    design = design or design_load()
    unit = SimpleNamespace(
        code="KPS5R0821v2",
        title="提升客戶忠誠度方案",
        title_en="Promote customer loyalty programs",
        level=4,
    )
    tasks = [
        PrintTask("T1", "確認客戶忠誠度方案的細節"),
        PrintTask("T2", "提升客戶參與忠誠度方案"),
        PrintTask("T3", "提供客戶忠誠度方案獎勵"),
        PrintTask("T4", "查看客戶響應忠誠度方案"),
    ]
    signature = design.signatures.select_related("image").first() if design.pk else None
    today = timezone.localdate()
    return print_context(
        design=design,
        holder_name="陳大文",
        unit=unit,
        tasks=tasks,
        assessed_on=today,
        issued_on=today,
        expires_on=None,
        assessor_name="林評審",
        signature_image=signature.image if signature else None,
        number="LA-2026-000123",
        verification_url=settings.SITE_BASE_URL.rstrip("/") + "/verify/SAMPLE-not-a-real-code/",
    )
