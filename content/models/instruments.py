"""Assessment instruments beyond the quiz, the scenario and the observation checklist: an
observed role-play script, a portfolio task, a customer-feedback form and the prompts of a
third-party report. Each is authored content with criteria: one observable, plain-language
criterion per row, mapped to the indicators and K/S items it shows. The assessor (or the
supervisor, for a third-party report) records a judgement per criterion
(assessments.EvidenceLine.criterion).

Instruments go through the two-person review like course pages and the question bank
(content/services/review.py), and an instrument counts as evidence only once a second
assessor has validated its live revision (InstrumentValidation below): any change published
later needs a new validation before evidence gathered with it counts."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin, WorkflowMixin
from wagtail.search import index

from content.models.framework import AssessmentMethod, CompetencyUnit
from content.models.mapping import CompetencyMapped
from content.models.review import ReviewedSnippetMixin
from core.append_only import AppendOnlyModel


class InstrumentKind(models.TextChoices):
    ROLE_PLAY = "role_play", _("Observed role-play script")
    PORTFOLIO = "portfolio", _("Portfolio task")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback form")
    THIRD_PARTY = "third_party", _("Third-party report prompts")


# The assessment method evidence gathered with each kind of instrument provides.
INSTRUMENT_METHOD = {
    InstrumentKind.ROLE_PLAY: AssessmentMethod.ROLE_PLAY,
    InstrumentKind.PORTFOLIO: AssessmentMethod.PORTFOLIO,
    InstrumentKind.CUSTOMER_FEEDBACK: AssessmentMethod.CUSTOMER_FEEDBACK,
    InstrumentKind.THIRD_PARTY: AssessmentMethod.PORTFOLIO,
}


class AssessmentInstrument(
    ReviewedSnippetMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    ClusterableModel,
):
    unit = models.ForeignKey(
        CompetencyUnit,
        verbose_name=_("competency unit"),
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    kind = models.CharField(_("kind of instrument"), max_length=20, choices=InstrumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(
        _("instructions"),
        help_text=_(
            "What the person is asked to do, in plain language: the trainee (portfolio task), "
            "the customer (feedback form), the supervisor (third-party report) or the assessor "
            "(role play: the situation and how to run it)."
        ),
    )
    script = models.TextField(
        _("the customer's part"),
        blank=True,
        help_text=_(
            "Role play only: what the assessor playing the customer says and does, with the "
            "cues that let the trainee show each criterion."
        ),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="instrument")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="instrument",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("unit"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("instructions"),
        FieldPanel("script"),
        InlinePanel("criteria", label=_("criteria"), min_num=1),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["unit__code", "kind", "title", "pk"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")

    def __str__(self) -> str:
        return self.title

    @property
    def method(self) -> str:
        return INSTRUMENT_METHOD[InstrumentKind(self.kind)].value

    @property
    def revisions(self):
        return self._revisions


class InstrumentCriterion(CompetencyMapped, Orderable, ClusterableModel):
    """One criterion of an instrument: what the judge looks for, and what satisfactory
    looks like. It counts for the indicators and items it is mapped to, under the method of
    its instrument's kind (never a method of its own)."""

    instrument = ParentalKey(
        AssessmentInstrument, on_delete=models.CASCADE, related_name="criteria"
    )
    text = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(_("what satisfactory looks like"), blank=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("guidance"),
        FieldPanel("indicators"),
        FieldPanel("competency_items"),
    ]
    mapping_parent = "instrument"

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.text

    def mapping_label(self) -> str:
        return f"{self.instrument.title}: {self.text}"

    def mapping_method(self) -> str:
        return self.instrument.method

    def mapping_edit_url(self) -> str | None:
        return reverse(
            "wagtailsnippets_content_assessmentinstrument:edit", args=[self.instrument_id]
        )


class InstrumentValidation(AppendOnlyModel):
    """A second assessor's validation of one live revision of an instrument: it is valid
    (each criterion shows the behaviour it names), sufficient and fair, as standard VET
    practice asks before a tool is used. Append-only; the validation of the revision that
    is live counts, so publishing a change needs a new one."""

    instrument = models.ForeignKey(
        AssessmentInstrument, on_delete=models.PROTECT, related_name="validations"
    )
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        on_delete=models.PROTECT,
        related_name="instrument_validations",
    )
    validated_at = models.DateTimeField(_("validated at"), auto_now_add=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-validated_at", "-pk"]
        verbose_name = _("instrument validation")
        verbose_name_plural = _("instrument validations")

    def __str__(self) -> str:
        return f"{self.instrument} ({self.validated_at:%Y-%m-%d})"
