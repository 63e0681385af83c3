"""Evidence about a trainee, gathered by assessors (observations, role plays, questioning,
customer feedback, uploads), by a supervisor through a one-off link (third-party report) or
uploaded by the trainee. Evidence, its lines and judgements are append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.models.framework import AssessmentMethod, CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentCriterion
from content.models.observation import ObservationContext, ObservationItem
from core.append_only import AppendOnlyModel

from .questions import OralQuestion


class EvidenceKind(models.TextChoices):
    OBSERVATION = "observation", _("Workplace observation")
    ROLE_PLAY = "role_play", _("Role-play observation")
    THIRD_PARTY = "third_party", _("Third-party report")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")
    QUESTIONING = "questioning", _("Oral questioning")
    PORTFOLIO = "portfolio", _("Portfolio upload")


KIND_METHOD = {
    EvidenceKind.OBSERVATION: AssessmentMethod.OBSERVATION,
    EvidenceKind.ROLE_PLAY: AssessmentMethod.ROLE_PLAY,
    EvidenceKind.THIRD_PARTY: AssessmentMethod.PORTFOLIO,
    EvidenceKind.CUSTOMER_FEEDBACK: AssessmentMethod.CUSTOMER_FEEDBACK,
    EvidenceKind.QUESTIONING: AssessmentMethod.QUESTIONING,
    EvidenceKind.PORTFOLIO: AssessmentMethod.PORTFOLIO,
}
# Kinds that count only after an assessor has judged them (the recorder is not an assessor
# judging at the time: a supervisor, or the trainee uploading).
NEEDS_JUDGEMENT = frozenset({EvidenceKind.THIRD_PARTY, EvidenceKind.PORTFOLIO})


class ItemResult(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NOT_SATISFACTORY = "not_satisfactory", _("Not yet satisfactory")
    NOT_OBSERVED = "not_observed", _("Not observed")


class Environment(models.TextChoices):
    REAL = "real", _("Real workplace")
    SIMULATED = "simulated", _("Simulated environment")


class EvidenceRecord(AppendOnlyModel):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="evidence_records",
    )
    unit = models.ForeignKey(
        CompetencyUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of evidence"), max_length=20, choices=EvidenceKind.choices)
    method = models.CharField(
        _("assessment method"), max_length=30, choices=AssessmentMethod.choices
    )
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    environment = models.CharField(
        _("environment"), max_length=10, choices=Environment.choices, blank=True
    )
    # Observations: where it was observed (the checklist offered only that context's items);
    # blank on other kinds and on observations recorded before contexts existed.
    context = models.CharField(
        _("observed in"), max_length=20, choices=ObservationContext.choices, blank=True
    )
    summary = models.TextField(_("what was observed / summary"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # The instrument the evidence was gathered with (role-play script, portfolio task,
    # feedback form, third-party prompts) and its revision at the time: the evidence counts
    # only when that revision has been validated by a second assessor.
    instrument = models.ForeignKey(
        AssessmentInstrument,
        verbose_name=_("instrument"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instrument_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_recorded",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Third-party reports: who wrote it (no account) and their declaration.
    third_party_name = models.CharField(_("supervisor's name"), max_length=120, blank=True)
    third_party_role = models.CharField(_("supervisor's position"), max_length=120, blank=True)
    third_party_declared = models.BooleanField(_("declaration signed"), default=False)
    # An optional file, stored in the private storage under a generated name.
    file_name = models.CharField(max_length=200, blank=True)
    file_original_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_content_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.TextField(_("why this corrects an earlier record"), blank=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    @property
    def needs_judgement(self) -> bool:
        return self.kind in NEEDS_JUDGEMENT


class EvidenceLine(AppendOnlyModel):
    """One checklist item, question or supported indicator of an evidence record."""

    evidence = models.ForeignKey(EvidenceRecord, on_delete=models.PROTECT, related_name="lines")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observation_item = models.ForeignKey(
        ObservationItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    oral_question = models.ForeignKey(
        OralQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        InstrumentCriterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.TextField(_("item"), blank=True)
    item_ids = models.JSONField(_("knowledge and skill items"), default=list, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ItemResult.choices)
    answer = models.TextField(_("trainee's answer"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["pk"]


class Judgement(AppendOnlyModel):
    """An assessor's judgement of evidence they did not record themselves (third-party
    reports, uploads). The latest judgement of a record counts."""

    class Result(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        NOT_SATISFACTORY = "not_satisfactory", _("Not yet satisfactory")

    class Verification(models.TextChoices):
        PHONE = "phone", _("Phone call to the supervisor")
        IN_PERSON = "in_person", _("Spoke in person")
        EMAIL = "email", _("E-mail confirmation")
        DOCUMENT = "document", _("Checked against workplace records")
        OTHER = "other", _("Other")

    evidence = models.ForeignKey(
        EvidenceRecord, on_delete=models.PROTECT, related_name="judgements"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judgements_made"
    )
    result = models.CharField(_("judgement"), max_length=20, choices=Result.choices)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators it supports"), blank=True, related_name="+"
    )
    verification = models.CharField(
        _("how it was verified"), max_length=20, choices=Verification.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    judged_at = models.DateTimeField(_("judged at"), auto_now_add=True)

    class Meta:
        ordering = ["-judged_at", "-pk"]


class JudgementLine(AppendOnlyModel):
    """A judgement of evidence gathered with an instrument, criterion by criterion (a
    portfolio task's rubric, a third-party report's prompts): one line per criterion and
    indicator it shows."""

    judgement = models.ForeignKey(Judgement, on_delete=models.PROTECT, related_name="lines")
    criterion = models.ForeignKey(InstrumentCriterion, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    label = models.TextField(_("criterion"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ItemResult.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["pk"]


class ObservationDraft(models.Model):
    """A checklist being filled on a phone. Drafts change freely (autosave); submitting turns
    a draft into an append-only EvidenceRecord and locks it."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observation_drafts"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(CompetencyUnit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    context = models.CharField(
        _("observed in"), max_length=20, choices=ObservationContext.choices, blank=True
    )
    # A role play run from a script: the checklist is the script's criteria.
    instrument = models.ForeignKey(
        AssessmentInstrument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    evidence = models.OneToOneField(
        EvidenceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} draft #{self.pk}"

    @property
    def locked(self) -> bool:
        return self.evidence_id is not None


class ThirdPartyRequest(models.Model):
    """A one-off link to a supervisor. Only the SHA-256 of the token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(CompetencyUnit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="third_party_requests"
    )
    supervisor_name = models.CharField(_("supervisor's name"), max_length=120)
    supervisor_email = models.EmailField(_("supervisor's e-mail"))
    # The prompts the supervisor answers (blank: one row per indicator, as before prompts).
    instrument = models.ForeignKey(
        AssessmentInstrument,
        verbose_name=_("report prompts"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    evidence = models.OneToOneField(
        EvidenceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    # The supervisor's answers saved to finish later: not evidence; emptied on submit.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.supervisor_name} ({self.created_at:%Y-%m-%d})"
