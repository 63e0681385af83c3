"""The question bank in the Wagtail admin: a snippet viewset with filters (indicator, type,
difficulty, tag), search, and a preview that shows the question as a trainee sees it."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from content.models.framework import Indicator
from content.models.questions import Difficulty, Question, QuestionType


class QuestionFilterSet(WagtailFilterSet):
    indicator = django_filters.ModelChoiceFilter(
        label=_("Behaviour indicator"),
        field_name="indicators",
        queryset=Indicator.objects.order_by("unit__code", "sort_order", "code"),
    )
    qtype = django_filters.ChoiceFilter(label=_("Type"), choices=QuestionType.choices)
    difficulty = django_filters.ChoiceFilter(label=_("Difficulty"), choices=Difficulty.choices)
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name", lookup_expr="iexact")

    class Meta:
        model = Question
        fields = ["indicator", "qtype", "difficulty", "tag"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    menu_order = 250
    add_to_admin_menu = True
    filterset_class = QuestionFilterSet
    search_fields = ["text", "code"]
    search_backend_name = None  # plain database search: no index to keep in step
    list_display = [
        "code",
        Column("text", label=_("Question")),
        Column("qtype", label=_("Type"), accessor="get_qtype_display"),
        Column("difficulty", label=_("Difficulty"), accessor="get_difficulty_display"),
        "updated_at",
    ]
    list_per_page = 50
    ordering = ["code"]
