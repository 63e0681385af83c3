"""A lesson: a StreamField page under a module, tagged with the indicators and K/S items it
teaches. A lesson teaches; it is never evidence, so it carries no assessment method (the
mapping matrix lists it as taught). Trainees' progress through lessons lives in training
(LessonProgress)."""

import re

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from content.blocks import LessonBodyBlock
from content.body_cache import body_blocks
from content.forms.pages import PageForm
from content.models.framework import CompetencyItem, Indicator
from content.models.mapping import MAPPABLE_ITEMS, TEACHES, CompetencyMapped
from content.page_context import LearningContextMixin
from content.pages.cached_route import CachedRoutePage
from content.pages.retirement import RETIRABLE_SETTINGS_PANELS, Retirable
from content.reading_time import plain_text, reading_minutes

# Chinese, Japanese and Korean characters (with the supplementary ideograph planes).
_CJK_CHARACTER = re.compile(
    "([\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f])"
)


def search_spaced(text: str) -> str:
    """Text as the search index reads it: each CJK character a word of its own. The full-text
    tokenisers of SQLite (FTS5) and PostgreSQL read a run of Chinese characters as one word,
    so 「忠誠度」 inside 「提升忠誠度的方案」 would never be found; spaced, a search is a phrase
    of characters (training/views/search.py spaces the query the same way)."""
    return " ".join(_CJK_CHARACTER.sub(r" \1 ", text).split())


def unit_id_for(page) -> int | None:
    """The competency unit of the course a page (or would-be parent) sits in."""
    from content.pages.course import CoursePage

    if page is None or not getattr(page, "pk", None):
        return None
    course = CoursePage.objects.ancestor_of(page, inclusive=True).only("unit_id").first()
    return course.unit_id if course else None


class LessonPageForm(PageForm):
    """Offers only the indicators and K/S items of the course's own unit."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        unit_id = unit_id_for(parent_page)
        if unit_id is not None:
            if "indicators" in self.fields:
                self.fields["indicators"].queryset = Indicator.objects.filter(unit_id=unit_id)
            if "competency_items" in self.fields:
                self.fields["competency_items"].queryset = CompetencyItem.objects.filter(
                    MAPPABLE_ITEMS, unit_id=unit_id
                )


class LessonPage(CachedRoutePage, LearningContextMixin, CompetencyMapped, Retirable, Page):
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One sentence: what the trainee will be able to do after this lesson."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated time (minutes)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the reading time computed from the text."),
    )

    assessment_method = None  # a lesson teaches: it provides no evidence
    mapping_role = TEACHES

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("estimated_minutes"),
    ]
    mapping_panels = [
        MultiFieldPanel(
            [
                FieldPanel("indicators", widget=forms.CheckboxSelectMultiple),
                FieldPanel("competency_items", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("What this lesson teaches"),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(mapping_panels, heading=_("Competency mapping")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(RETIRABLE_SETTINGS_PANELS, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        # Title, summary and the body's text, spaced for Chinese (see search_spaced).
        index.SearchField("search_text"),
        index.FilterField("retired"),
    ]
    base_form_class = LessonPageForm
    parent_page_types = ["content.ModulePage"]
    subpage_types: list[str] = []
    template = "content/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["body_blocks"] = body_blocks(self, request)
        return context

    def search_text(self) -> str:
        return search_spaced(" ".join([self.title, self.summary, plain_text(self.body)]))

    @property
    def computed_reading_minutes(self) -> int:
        return reading_minutes(plain_text(self.body))

    @property
    def reading_minutes(self) -> int:
        """The trainer's estimate when given, the computed reading time otherwise."""
        return self.estimated_minutes or self.computed_reading_minutes

    def mapping_label(self) -> str:
        return str(_("Lesson: %(title)s") % {"title": self.title})

    def mapping_edit_url(self) -> str | None:
        return reverse("wagtailadmin_pages:edit", args=[self.pk]) if self.pk else None
