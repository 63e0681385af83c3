"""The course tree: CourseIndexPage -> CoursePage -> ModulePage -> lessons, scenarios, quizzes.

A course is built on one competency unit. Its completion rules decide when a trainee has
finished it; its evidence rules decide what an assessor needs before Competent."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Page

from content.forms.pages import PageForm
from content.models.framework import CompetencyUnit
from content.page_context import LearningContextMixin
from content.pages.cached_route import CachedRoutePage


class CourseIndexPage(CachedRoutePage, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.CoursePage"]
    template = "content/course_index_page.html"
    base_form_class = PageForm

    class Meta:
        verbose_name = _("course index")


class CoursePage(CachedRoutePage, LearningContextMixin, Page):
    class ScenarioCounting(models.TextChoices):
        BEST = "best", _("Best run counts")
        LATEST = "latest", _("Latest run counts")

    unit = models.ForeignKey(
        CompetencyUnit,
        verbose_name=_("competency unit"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = RichTextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=60)
    allow_self_enrolment = models.BooleanField(_("trainees may enrol themselves"), default=False)

    # Completion rules.
    require_all_lessons = models.BooleanField(_("all lessons must be completed"), default=True)
    require_all_quizzes_passed = models.BooleanField(_("all quizzes must be passed"), default=True)
    require_all_scenarios = models.BooleanField(_("all scenarios must be finished"), default=True)
    scenario_min_score = models.PositiveSmallIntegerField(
        _("minimum scenario score (%)"), default=60
    )
    scenario_counting = models.CharField(
        _("which scenario run counts"),
        max_length=10,
        choices=ScenarioCounting.choices,
        default=ScenarioCounting.BEST,
    )

    # Evidence (sufficiency) rules used by the mapping matrix and the competency profile.
    require_knowledge_check = models.BooleanField(
        _("every indicator needs a knowledge check"), default=True
    )
    require_performance_method = models.BooleanField(
        _("every indicator needs a performance method"), default=True
    )
    evidence_max_age_months = models.PositiveSmallIntegerField(
        _("evidence must be no older than (months)"), default=12
    )
    min_methods_per_indicator = models.PositiveSmallIntegerField(
        _("different methods per indicator (at least)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Sufficiency: satisfactory evidence from at least this many methods."),
    )
    min_performance_occasions = models.PositiveSmallIntegerField(
        _("performance occasions on different dates (at least)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Sufficiency: observation, role play or third-party evidence from at least this "
            "many different days."
        ),
    )

    # Certificate rules.
    auto_issue_certificate = models.BooleanField(
        _("issue the certificate automatically on a Competent decision"), default=False
    )
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for certificates that do not expire."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("unit"),
        FieldPanel("description"),
        FieldPanel("audience"),
        FieldPanel("estimated_minutes"),
        FieldPanel("allow_self_enrolment"),
    ]
    rules_panels = [
        MultiFieldPanel(
            [
                FieldPanel("require_all_lessons"),
                FieldPanel("require_all_quizzes_passed"),
                FieldPanel("require_all_scenarios"),
                FieldPanel("scenario_min_score"),
                FieldPanel("scenario_counting"),
            ],
            heading=_("Completion rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("require_knowledge_check"),
                FieldPanel("require_performance_method"),
                FieldPanel("evidence_max_age_months"),
                FieldRowPanel(
                    [
                        FieldPanel("min_methods_per_indicator"),
                        FieldPanel("min_performance_occasions"),
                    ]
                ),
            ],
            heading=_("Evidence rules"),
        ),
        MultiFieldPanel(
            [FieldPanel("auto_issue_certificate"), FieldPanel("certificate_valid_months")],
            heading=_("Certificate rules"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(rules_panels, heading=_("Rules")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    parent_page_types = ["content.CourseIndexPage"]
    subpage_types = ["content.ModulePage"]
    template = "content/course_page.html"
    serve_select_related = ("locale", "unit")
    base_form_class = PageForm

    class Meta:
        verbose_name = _("course")


class ModulePage(CachedRoutePage, LearningContextMixin, Page):
    """A chapter of a course. Any activity page (lesson, quiz, scenario) may be a child:
    subpage_types is left open so that each kind declares parent_page_types itself."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.CoursePage"]
    template = "content/module_page.html"
    base_form_class = PageForm

    class Meta:
        verbose_name = _("module")

    @property
    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()
