"""The question bank: reusable questions (Wagtail snippets) mapped to the unit's indicators
and knowledge items, used by quiz pages. Grading lives in `training/grading.py`; this module
only holds what a trainer authors.

Questions go through the two-person review like course pages (content/services/review.py):
with Wagtail's DraftStateMixin the row (and its options) holds the LIVE question, the one
quizzes draw; a trainer's edits are drafts in revisions until a second person approves."""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from content.models.framework import AssessmentMethod
from content.models.mapping import CompetencyMapped
from content.models.review import ReviewedSnippetMixin


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple response")
    TRUE_FALSE = "true_false", _("True / false")
    NUMERIC = "numeric", _("Numeric")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    WRITTEN = "written", _("Short written answer (marked by a person)")

    @classmethod
    def with_options(cls) -> frozenset[str]:
        return frozenset({cls.SINGLE, cls.MULTIPLE, cls.MATCHING, cls.ORDERING})


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class PartialCredit(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PROPORTIONAL = "proportional", _("Proportional, with a penalty for wrong selections")


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class QuestionForm(WagtailAdminModelForm):
    """Checks that the options fit the question type (they live in an inline formset, so a
    model's clean() cannot see them)."""

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("qtype")
        formset = self.formsets.get("options")
        if qtype is None or formset is None or not formset.is_valid():
            return cleaned
        options = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        correct = sum(1 for option in options if option.get("is_correct"))
        if qtype in QuestionType.with_options() and len(options) < 2:
            raise ValidationError(_("This type of question needs at least two options."))
        if qtype == QuestionType.SINGLE and correct != 1:
            raise ValidationError(_("A single-choice question needs exactly one correct option."))
        if qtype == QuestionType.MULTIPLE and correct < 1:
            raise ValidationError(_("Mark at least one option as correct."))
        if qtype == QuestionType.MATCHING and any(
            not (option.get("match_text") or "").strip() for option in options
        ):
            raise ValidationError(_("Every option of a matching question needs its match."))
        if qtype == QuestionType.NUMERIC and cleaned.get("numeric_answer") is None:
            self.add_error("numeric_answer", _("A numeric question needs the correct value."))
        if qtype == QuestionType.WRITTEN and not (cleaned.get("model_answer") or "").strip():
            self.add_error("model_answer", _("A written question needs a model answer."))
        self._check_rubric(qtype, cleaned.get("points"))
        return cleaned

    def _check_rubric(self, qtype: str, points) -> None:
        """A written question is marked against its rubric: at least one criterion, and the
        criteria's points add up to the question's points. Other types have none."""
        formset = self.formsets.get("rubric_criteria")
        if formset is None or not formset.is_valid():
            return
        criteria = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if qtype != QuestionType.WRITTEN:
            if criteria:
                raise ValidationError(
                    _("Only written questions have a marking rubric: remove its criteria.")
                )
            return
        if not criteria:
            raise ValidationError(
                _("A written question needs a marking rubric: add at least one criterion.")
            )
        total = sum((criterion.get("points") or Decimal("0")) for criterion in criteria)
        if points is not None and total != points:
            raise ValidationError(
                _(
                    "The rubric's criteria add up to %(total)s points, but the question is "
                    "worth %(points)s points: they must be equal."
                )
                % {"total": f"{total.normalize():f}", "points": f"{points.normalize():f}"}
            )


class Question(
    ReviewedSnippetMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    CompetencyMapped,
    ClusterableModel,
):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short unique reference, e.g. retention-01."),
    )
    qtype = models.CharField(
        _("type"), max_length=20, choices=QuestionType.choices, default=QuestionType.SINGLE
    )
    text = models.TextField(_("question"))
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    partial_credit = models.CharField(
        _("partial credit"),
        max_length=20,
        choices=PartialCredit.choices,
        default=PartialCredit.ALL_OR_NOTHING,
        help_text=_(
            "For multiple response, matching and ordering questions; shown to the trainee. "
            "All or nothing: only a fully correct answer scores. Proportional: multiple "
            "response earns a share for each correct selection, less the penalty for each "
            "wrong one; matching earns a share for each correct pair; ordering earns a share "
            "for each item in its correct position."
        ),
    )
    penalty = models.DecimalField(
        _("penalty per wrong selection"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Proportional credit only: each wrong selection takes away this share of one "
            "correct selection's credit (0 to 1)."
        ),
    )
    true_false_answer = models.BooleanField(
        _("the statement is true"), default=True, help_text=_("True / false questions only.")
    )
    numeric_answer = models.DecimalField(
        _("correct value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(
        _("tolerance (±)"),
        max_digits=14,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    numeric_unit = models.CharField(
        pgettext_lazy("numeric answer", "unit"),
        max_length=20,
        blank=True,
        help_text=_("Shown after the answer box, e.g. %"),
    )
    model_answer = models.TextField(
        _("model answer"), blank=True, help_text=_("Written questions: what a marker looks for.")
    )
    feedback = models.TextField(
        _("feedback"), blank=True, help_text=_("Shown when the quiz's review policy allows.")
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=QuestionTag, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="question",
        for_concrete_model=False,
    )

    base_form_class = QuestionForm
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("qtype"), FieldPanel("difficulty")]),
        FieldPanel("text"),
        MultiFieldPanel(
            [FieldPanel("indicators"), FieldPanel("competency_items"), FieldPanel("tags")],
            heading=_("Mapping"),
        ),
        InlinePanel(
            "options",
            heading=_("Options"),
            label=_("Option"),
            help_text=_(
                "Choice questions: mark the correct options. Matching: give each option its "
                "match. Ordering: put the options in the correct order."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("points"), FieldPanel("partial_credit"), FieldPanel("penalty")]
                ),
                FieldPanel("true_false_answer"),
                FieldRowPanel(
                    [
                        FieldPanel("numeric_answer"),
                        FieldPanel("numeric_tolerance"),
                        FieldPanel("numeric_unit"),
                    ]
                ),
                FieldPanel("model_answer"),
            ],
            heading=_("Answer and scoring"),
        ),
        InlinePanel(
            "rubric_criteria",
            heading=_("Marking rubric"),
            label=_("Criterion"),
            help_text=_(
                "Written questions: what the marker scores, one criterion at a time. The "
                "criteria's points must add up to the question's points."
            ),
        ),
        FieldPanel("feedback"),
    ]
    search_fields = [
        index.SearchField("text"),
        index.SearchField("code"),
        index.AutocompleteField("text"),
        index.AutocompleteField("code"),
        index.FilterField("qtype"),
        index.FilterField("difficulty"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def revisions(self):
        return self._revisions

    def save(self, *args, **kwargs):
        if not self.assessment_method:
            self.assessment_method = AssessmentMethod.QUESTIONING
        super().save(*args, **kwargs)

    @property
    def is_manually_marked(self) -> bool:
        return self.qtype == QuestionType.WRITTEN

    def mapping_label(self) -> str:
        return f"{_('Question')} {self.code}: {Truncator(self.text).chars(40)}"

    def mapping_edit_url(self) -> str | None:
        if self.pk is None:
            return None
        return reverse("wagtailsnippets_content_question:edit", args=[self.pk])

    # Preview: the question exactly as a trainee sees it, with no answers.
    def get_preview_template(self, request, mode_name):
        return "content/questions/preview.html"

    def get_preview_context(self, request, mode_name):
        from content.question_presentation import present_question

        context = super().get_preview_context(request, mode_name)
        context["item"] = present_question(self, list(self.options.all()), slot=1)
        # Questions have no locale of their own: they are written in the content's language.
        context["content_lang"] = Locale.get_default().language_code
        return context


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    match_text = models.CharField(_("match (matching questions)"), max_length=500, blank=True)
    feedback = models.CharField(_("feedback for this option"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")]),
        FieldRowPanel([FieldPanel("match_text"), FieldPanel("feedback")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text


class QuestionRubricCriterion(Orderable):
    """One criterion of a written question's marking rubric: the marker gives it 0 to its
    points; the answer's score is the sum (training/services/quizzes.py)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="rubric_criteria")
    text = models.CharField(_("criterion"), max_length=500)
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("points")])]

    class Meta(Orderable.Meta):
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self) -> str:
        return self.text
