"""Branching role-play scenarios (issue 5).

Admin editing design
--------------------
Wagtail cannot nest inline panels comfortably (choices inside steps inside a page), so a
scenario keeps two FLAT inline lists on the page, each an Orderable child with a ParentalKey:

- **Steps** (`ScenarioStep`): a key (a short slug, unique in the scenario, e.g. ``greet`` or
  ``end-good``), the kind (customer line, narration or ending), who speaks, the text, an
  optional image and, for endings, the outcome text and a rating. One step is the start.
- **Choices** (`ScenarioChoice`): the trainee's words at step ``from_key``, leading to step
  ``to_key``, with feedback and points per indicator written as ``T2.1:+2, T3.1:-1``.

Choices point at steps by KEY, not by database id, so a trainer can add a step and the
choices that lead to it in the same edit without saving twice, reorder freely, and read the
graph tab (a Graphviz picture of the draft, with its validation problems) to check the
wiring. Publishing is refused while the linter finds problems (`content.forms.scenario`,
`content.scenario_graph.lint`: the graph's checks, each ending's score band against every
path's score, the claimed indicators against the best path), with messages naming the step. Each choice is a `CompetencyMapped` item: after publishing its
indicators are set from its scores (`content.services.scenarios.scenario_choices_map`), so
the mapping matrix counts it under the role-play method.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Orderable, Page

from content import scenario_graph
from content.forms.scenario import (
    ScenarioGraphPanel,
    ScenarioPageForm,
    ScoreListFormField,
    StepKeySelect,
)
from content.models.framework import AssessmentMethod
from content.models.mapping import CompetencyMapped
from content.pages.cached_route import CachedRoutePage
from content.pages.retirement import RETIRABLE_SETTINGS_PANELS, Retirable


class ScoreListField(models.JSONField):
    """Points per indicator, stored as [{"indicator": "T2.1", "points": 2}, ...] and edited
    as the text ``T2.1:+2, T3.1:-1``."""

    def formfield(self, **kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k not in {"encoder", "decoder", "form_class"}}
        return models.Field.formfield(self, form_class=ScoreListFormField, **kwargs)


class ScenarioPage(CachedRoutePage, CompetencyMapped, Retirable, Page):
    class FeedbackTiming(models.TextChoices):
        IMMEDIATE = "immediate", _("After each choice")
        END = "end", _("Only at the end")

    persona_name = models.CharField(_("customer's name"), max_length=80)
    persona_situation = models.TextField(_("customer's situation"))
    persona_mood = models.CharField(_("customer's mood"), max_length=120, blank=True)
    persona_wants = models.TextField(_("what the customer wants"), blank=True)
    trainee_role = models.CharField(_("your role"), max_length=200)
    trainee_goal = models.TextField(_("your goal"))
    feedback_timing = models.CharField(
        _("show feedback"),
        max_length=10,
        choices=FeedbackTiming.choices,
        default=FeedbackTiming.IMMEDIATE,
    )
    allow_back = models.BooleanField(_("trainees may go back one step"), default=False)
    pass_threshold = models.PositiveSmallIntegerField(
        _("pass threshold (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    assessment_attempts = models.PositiveSmallIntegerField(
        _("assessment runs per trainee"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Only assessment runs (no going back, feedback at the end) count as role-play "
            "evidence; practice runs are unlimited."
        ),
    )
    assessment_method = models.CharField(
        _("assessment method"),
        max_length=30,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.ROLE_PLAY,
        editable=False,
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("persona_name"),
                FieldPanel("persona_situation"),
                FieldPanel("persona_mood"),
                FieldPanel("persona_wants"),
            ],
            heading=_("Customer persona"),
        ),
        MultiFieldPanel(
            [FieldPanel("trainee_role"), FieldPanel("trainee_goal")],
            heading=_("The trainee"),
        ),
        FieldPanel("indicators", heading=_("Indicators practised")),
        MultiFieldPanel(
            [
                FieldPanel("feedback_timing"),
                FieldRowPanel([FieldPanel("allow_back"), FieldPanel("pass_threshold")]),
                FieldPanel("assessment_attempts"),
            ],
            heading=_("Options"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Scenario")),
            ObjectList([InlinePanel("steps", heading=_("Steps"))], heading=_("Steps")),
            ObjectList([InlinePanel("choices", heading=_("Choices"))], heading=_("Choices")),
            ObjectList([ScenarioGraphPanel()], heading=_("Graph")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(RETIRABLE_SETTINGS_PANELS, heading=_("Settings")),
        ]
    )
    base_form_class = ScenarioPageForm
    parent_page_types = ["content.ModulePage"]
    subpage_types: list[str] = []
    template = "content/scenario_page.html"

    class Meta:
        verbose_name = _("role-play scenario")
        verbose_name_plural = _("role-play scenarios")

    def serve(self, request, *args, **kwargs):
        """The page is a door: trainees go to play it (the training side holds the runs);
        trainers, assessors and admins see the brief."""
        from django.shortcuts import redirect

        from people import roles

        if roles.is_trainee(request.user):
            return redirect("training:scenario_start", page_id=self.pk)
        return super().serve(request, *args, **kwargs)

    def graph(self) -> scenario_graph.Graph:
        """The plain graph of this page's steps and choices (in memory for a draft)."""
        from content.selectors.scenarios import scenario_graph_of

        return scenario_graph_of(self)


class ScenarioStep(Orderable):
    class Kind(models.TextChoices):
        LINE = scenario_graph.LINE, _("Customer line")
        NARRATION = scenario_graph.NARRATION, _("Narration")
        ENDING = scenario_graph.ENDING, _("Ending")

    class Rating(models.TextChoices):
        EXCELLENT = scenario_graph.EXCELLENT, _("Excellent")
        ACCEPTABLE = scenario_graph.ACCEPTABLE, _("Acceptable")
        POOR = scenario_graph.POOR, _("Poor")

    page = ParentalKey(ScenarioPage, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(
        _("key"),
        max_length=40,
        allow_unicode=False,
        help_text=_("Short name that choices use to point here, e.g. greet or end-good."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LINE)
    is_start = models.BooleanField(_("start step"), default=False)
    speaker = models.CharField(_("speaker"), max_length=80, blank=True)
    text = models.TextField(_("text"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(
        _("outcome (endings)"), blank=True, help_text=_("What this ending means for the customer.")
    )
    rating = models.CharField(
        _("rating (endings)"), max_length=12, choices=Rating.choices, blank=True
    )
    band_min = models.PositiveSmallIntegerField(
        _("lowest score (%) of this ending"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: the rating's default (excellent 80, acceptable 60, poor 0)."),
    )
    band_max = models.PositiveSmallIntegerField(
        _("highest score (%) of this ending"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: the rating's default (excellent 100, acceptable 79, poor 59)."),
    )

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("kind"), FieldPanel("is_start")]),
        FieldPanel("speaker"),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("outcome"), FieldPanel("rating")]),
        FieldRowPanel([FieldPanel("band_min"), FieldPanel("band_max")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("scenario step")
        verbose_name_plural = _("scenario steps")
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="scenariostep_unique_key"),
        ]

    def __str__(self) -> str:
        return f"[{self.key}] {self.text[:40]}"

    @property
    def is_ending(self) -> bool:
        return self.kind == scenario_graph.ENDING

    @property
    def is_narration(self) -> bool:
        return self.kind == scenario_graph.NARRATION


class ScenarioChoice(CompetencyMapped, Orderable, ClusterableModel):
    page = ParentalKey(ScenarioPage, on_delete=models.CASCADE, related_name="choices")
    from_key = models.SlugField(_("at step"), max_length=40, help_text=_("Key of the step."))
    to_key = models.SlugField(
        _("leads to step"), max_length=40, help_text=_("Key of the next step.")
    )
    text = models.TextField(_("trainee's words"))
    feedback = models.TextField(_("feedback"), blank=True)
    scores = ScoreListField(
        _("points per indicator"),
        default=list,
        blank=True,
        help_text=_("e.g. T2.1:+2, T3.1:-1 (negative points for poor choices)"),
    )
    assessment_method = models.CharField(
        _("assessment method"),
        max_length=30,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.ROLE_PLAY,
        editable=False,
    )

    panels = [
        # Picked from the scenario's steps (StepKeySelect), still stored as the step's key.
        FieldRowPanel(
            [
                FieldPanel("from_key", widget=StepKeySelect()),
                FieldPanel("to_key", widget=StepKeySelect()),
            ]
        ),
        FieldPanel("text"),
        FieldPanel("feedback"),
        FieldPanel("scores"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("scenario choice")
        verbose_name_plural = _("scenario choices")
        indexes = [models.Index(fields=["page", "from_key"], name="scenariochoice_from")]

    def __str__(self) -> str:
        return f"{self.from_key} → {self.to_key}: {self.text[:40]}"

    def mapping_label(self) -> str:
        return f"{self.page.title} · {self.from_key}: {self.text[:40]}"

    def mapping_edit_url(self) -> str | None:
        return reverse("wagtailadmin_pages:edit", args=[self.page_id])

    @property
    def score_items(self) -> tuple[tuple[str, int], ...]:
        return scenario_graph.scores_tuple(self.scores)
