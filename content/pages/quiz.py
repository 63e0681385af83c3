"""A quiz in a course module: which questions (fixed, or drawn per indicator or per tag),
how attempts are scored, and when a trainee may see answers. Taking a quiz happens in the
training app (/learn/quiz/<page id>/); this page only holds the trainer's settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from content.forms.quiz import QuizBlueprintPanel, QuizPageForm
from content.models.questions import Question
from content.pages.cached_route import CachedRoutePage
from content.pages.retirement import RETIRABLE_SETTINGS_PANELS, Retirable
from people import roles


class QuizPage(CachedRoutePage, Retirable, Page):
    class Selection(models.TextChoices):
        FIXED = "fixed", _("Fixed questions")
        PER_INDICATOR = "per_indicator", _("Random draw of N per indicator")
        PER_TAG = "per_tag", _("Random draw of N per tag")
        BLUEPRINT = "blueprint", _("Random draw by blueprint (per indicator)")

    class Purpose(models.TextChoices):
        FORMATIVE = "formative", _("Practice (formative): feedback for learning, not evidence")
        SUMMATIVE = "summative", _("Assessment (summative): its results are evidence")

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LATEST = "latest", _("Latest attempt")
        FIRST = "first", _("First attempt")
        AVERAGE = "average", _("Average of attempts")

    class ReviewPolicy(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately after each question")
        AFTER_SUBMISSION = "after_submission", _("After the attempt is submitted")
        AFTER_LAST_ATTEMPT = "after_last_attempt", _("After the last allowed attempt")
        NEVER = "never", _("Never")

    intro = RichTextField(_("introduction"), blank=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=12,
        choices=Purpose.choices,
        default=Purpose.SUMMATIVE,
        help_text=_(
            "Questions a practice quiz can show are never drawn into assessment quizzes of the "
            "same unit."
        ),
    )
    selection = models.CharField(
        _("question selection"), max_length=20, choices=Selection.choices, default=Selection.FIXED
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per indicator or tag"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    draw_tags = models.CharField(
        _("tags to draw from"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated tag names, for a draw per tag."),
    )
    shuffle_questions = models.BooleanField(_("shuffle question order"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means unlimited.")
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=20,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit."),
    )
    review_policy = models.CharField(
        _("show correct answers and feedback"),
        max_length=20,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_SUBMISSION,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("purpose"),
        MultiFieldPanel(
            [
                FieldPanel("selection"),
                # Several questions at once: the chooser (filters by text, indicator, type
                # and difficulty) lets a trainer tick many and adds one row per question.
                MultipleChooserPanel(
                    "fixed_questions",
                    chooser_field_name="question",
                    heading=_("Fixed questions"),
                    label=_("Question"),
                ),
                FieldRowPanel([FieldPanel("draw_count"), FieldPanel("draw_tags")]),
                InlinePanel(
                    "blueprint_rows",
                    heading=_("Blueprint"),
                    label=_("Blueprint row"),
                    help_text=_(
                        "Random draw by blueprint: every trainee's form has, per indicator, "
                        "this many questions worth these points, with this difficulty mix, "
                        "at least these calculations and exactly these hand-marked questions."
                    ),
                ),
                QuizBlueprintPanel(heading=_("Blueprint check")),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
            ],
            heading=_("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("attempts_allowed"),
                        FieldPanel("grading_method"),
                    ]
                ),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("review_policy")]),
            ],
            heading=_("Attempts and review"),
        ),
    ]
    settings_panels = RETIRABLE_SETTINGS_PANELS
    parent_page_types = ["content.ModulePage"]
    subpage_types: list[str] = []
    template = "content/quiz_page.html"
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = _("quiz")

    @property
    def is_formative(self) -> bool:
        return self.purpose == self.Purpose.FORMATIVE

    @property
    def tag_names(self) -> list[str]:
        return [tag.strip() for tag in self.draw_tags.split(",") if tag.strip()]

    def serve(self, request, *args, **kwargs):
        # The trainee's side (attempts, results) belongs to the training app; trainers,
        # assessors and admins see the quiz's settings.
        if roles.is_trainee(request.user):
            return redirect(reverse("training:quiz", args=[self.pk]))
        return render(request, self.template, self._staff_context(request))

    def serve_preview(self, request, mode_name):
        return render(request, self.template, self._staff_context(request))

    def _staff_context(self, request) -> dict:
        """The settings page for staff, with its place in the course for the breadcrumbs."""
        module = (
            self.get_parent() if self.pk and self.depth else None
        )  # a new page's preview has no place yet
        course = module.get_parent() if module is not None else None
        return {
            "page": self,
            "self": self,
            "request": request,
            "module": module.specific if module is not None else None,
            "course": course.specific if course is not None else None,
        }


class QuizQuestion(Orderable):
    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")


class QuizBlueprintRow(Orderable):
    """One row of a quiz's blueprint (content.quiz_blueprint.Row): what every drawn form holds
    for one indicator. Empty difficulty numbers and an empty points total mean "any"."""

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="blueprint_rows")
    indicator = models.ForeignKey(
        "content.Indicator",
        verbose_name=_("behaviour indicator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(
        _("questions"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    points = models.DecimalField(
        _("total points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    easy = models.PositiveSmallIntegerField(_("easy"), null=True, blank=True)
    medium = models.PositiveSmallIntegerField(_("medium"), null=True, blank=True)
    hard = models.PositiveSmallIntegerField(_("hard"), null=True, blank=True)
    calculations = models.PositiveSmallIntegerField(_("at least this many calculations"), default=0)
    written = models.PositiveSmallIntegerField(
        _("hand-marked questions"), null=True, blank=True, help_text=_("Empty means any.")
    )

    panels = [
        FieldRowPanel([FieldPanel("indicator"), FieldPanel("count"), FieldPanel("points")]),
        FieldRowPanel([FieldPanel("easy"), FieldPanel("medium"), FieldPanel("hard")]),
        FieldRowPanel([FieldPanel("calculations"), FieldPanel("written")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("blueprint row")
        verbose_name_plural = _("blueprint rows")
