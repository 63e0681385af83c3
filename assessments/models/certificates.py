"""Certificates issued from Competent decisions, their design, signing keys, bulk jobs and the
verification rate counter. Writes go through `assessments.services.certificates`."""

from django import forms
from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from assessments.models.decisions import Decision
from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from people.models import Cohort

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits.")
)


def private_storage():
    return storages["private"]


class CertificateLayout(models.TextChoices):
    """The printed layouts (templates/assessments/pdf/certificate_<value>.html)."""

    CLASSIC = "classic", _("Classic: A4 landscape with a border and the seal")
    MODERN = "modern", _("Modern: A4 portrait with a coloured band")


class CertificateDesignForm(WagtailAdminModelForm):
    """The layouts as radio buttons, without Django's blank "---------" choice (a form posted
    without the field keeps the classic layout)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "layout" in self.fields:
            self.fields["layout"].choices = CertificateLayout.choices


@register_setting(icon="doc-full")
class CertificateDesign(ClusterableModel, BaseGenericSetting):
    """What admins can change on the printed certificate without touching code. Applies to
    certificates issued from now on: an issued certificate's PDF is stored once (its
    SHA-256 published for verification) and never printed again with a later design."""

    # Blank prints the classic layout (a form posted without the field keeps working).
    layout = models.CharField(
        _("layout"),
        max_length=10,
        choices=CertificateLayout.choices,
        default=CertificateLayout.CLASSIC,
        blank=True,
    )

    organisation_name_zh = models.CharField(
        _("organisation name (Chinese)"), max_length=40, default="顧客忠誠度學院"
    )
    organisation_name_en = models.CharField(
        _("organisation name (English)"), max_length=80, default="Loyalty Academy"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The organisation's seal, printed beside the signatory (PNG with transparency)."
        ),
    )
    signatory_name = models.CharField(
        _("signatory's name"),
        max_length=40,
        blank=True,
        help_text=_(
            "Who signs for the organisation, beside the assessor; blank: the assessor only."
        ),
    )
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=60,
        blank=True,
        help_text=_("Printed under the name, e.g. Director."),
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f3a5f", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b8860b", validators=[colour_validator]
    )
    footer_text_zh = models.CharField(_("footer text (Chinese)"), max_length=100, blank=True)
    footer_text_en = models.CharField(_("footer text (English)"), max_length=160, blank=True)
    reminder_days_before_expiry = models.PositiveSmallIntegerField(
        _("send the expiry reminder this many days before"), default=30
    )

    base_form_class = CertificateDesignForm
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name_zh"),
                FieldPanel("organisation_name_en"),
                FieldPanel("logo"),
                FieldPanel("seal"),
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("layout", widget=forms.RadioSelect),
                FieldPanel("primary_colour"),
                FieldPanel("accent_colour"),
                FieldPanel("footer_text_zh"),
                FieldPanel("footer_text_en"),
            ],
            heading=_("Look"),
        ),
        InlinePanel("signatures", heading=_("Assessor signatures"), label=_("signature")),
        FieldPanel("reminder_days_before_expiry"),
    ]

    class Meta:
        verbose_name = _("certificate design")


class CertificateSignature(Orderable):
    """An assessor's signature image, printed on certificates from their decisions."""

    design = ParentalKey(CertificateDesign, on_delete=models.CASCADE, related_name="signatures")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"groups__name": "Assessor"},
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("assessor"), FieldPanel("image")]

    class Meta(Orderable.Meta):
        verbose_name = _("assessor signature")
        verbose_name_plural = _("assessor signatures")


class CertificateCounter(models.Model):
    """The last number used per year, locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CertificateNumberReservation(models.Model):
    """A number taken from the year's counter for a decision before its PDF is rendered, so
    that the render runs outside the counter's lock and workers issue side by side. The
    certificate stored with the number uses it; a failed render leaves it to the decision's
    next try, so a number is not lost. A number whose decision was corrected before its
    certificate was stored stays here, unused, as the register's record of it."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="number_reservations",
    )
    reserved_at = models.DateTimeField(_("reserved at"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("reserved certificate number")
        verbose_name_plural = _("reserved certificate numbers")

    def __str__(self) -> str:
        return self.number


class Certificate(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=64, unique=True)
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="certificates"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    unit = models.ForeignKey(CompetencyUnit, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    holder_name = models.CharField(_("holder's name as printed"), max_length=100)
    assessor_name = models.CharField(_("assessor's name as printed"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ISSUED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_reason_public = models.BooleanField(
        _("show the reason on the verify page"), default=False
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), default=0)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # One original certificate per trainee, unit version and decision; reissues chain.
            models.UniqueConstraint(
                fields=["trainee", "unit", "decision"],
                condition=models.Q(replaces__isnull=True),
                name="certificate_once_per_decision",
            ),
            models.UniqueConstraint(
                fields=["replaces"],
                condition=models.Q(replaces__isnull=False),
                name="certificate_reissued_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CertificateSigningKey(models.Model):
    """The organisation's key for signing Open Badges credentials. Retired keys stay
    published so that credentials signed with them still verify."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=10, default="RS256")
    private_jwk = models.JSONField(_("private key (JWK)"))
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate signing key")
        verbose_name_plural = _("certificate signing keys")

    def __str__(self) -> str:
        return self.kid


class BulkIssueJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        CompetencyUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk issue job")
        verbose_name_plural = _("bulk issue jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.cohort_id}/{self.unit_id}"


class BulkIssueItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ISSUED = "issued", _("Issued")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(BulkIssueJob, on_delete=models.CASCADE, related_name="items")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "decision"], name="bulkissueitem_unique_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.decision_id} {self.status}"


class VerifyRateCounter(models.Model):
    """Lookups per client (hashed IP) per time window, shared by every app server."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="verifyrate_unique_window")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"
