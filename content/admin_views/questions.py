"""The question bank in the Wagtail admin: a snippet viewset with filters (indicator, type,
difficulty, tag), search, and a preview that shows the question as a trainee sees it.
Questions are drafts until the two-person review approves them: the list shows Wagtail's
status column (live, draft, in moderation) last, so trainers see what awaits review.
The list shows each question's indicator codes (prefetched: no query per row); its chooser
(QuestionChooserViewSet) filters the same way; import and export in Moodle XML live in
content/admin_views/question_import.py."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Prefetch
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Revision, WorkflowState
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_views.choosers import QuestionChooserViewSet, indicator_codes
from content.models.framework import Indicator
from content.models.questions import Difficulty, Question, QuestionType


class QuestionFilterSet(WagtailFilterSet):
    indicator = django_filters.ModelChoiceFilter(
        label=_("Behaviour indicator"),
        field_name="indicators",
        queryset=Indicator.objects.order_by("unit__code", "sort_order", "code"),
    )
    qtype = django_filters.ChoiceFilter(
        label=pgettext_lazy("question", "Type"), choices=QuestionType.choices
    )
    difficulty = django_filters.ChoiceFilter(label=_("Difficulty"), choices=Difficulty.choices)
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name", lookup_expr="iexact")

    class Meta:
        model = Question
        fields = ["indicator", "qtype", "difficulty", "tag"]


def with_review_states(queryset):
    """What the list's status column reads, in a fixed number of queries: whether a publish
    is scheduled (ReviewedSnippetMixin) and the active workflow states (Wagtail's
    `workflow_in_progress` reads `_current_workflow_states` when set)."""
    scheduled = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(queryset.model),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        approved_go_live_at__isnull=False,
    )
    return queryset.annotate(_approved_schedule=Exists(scheduled)).prefetch_related(
        Prefetch(
            "workflow_states",
            queryset=WorkflowState.objects.active().select_related("current_task_state__task"),
            to_attr="_current_workflow_states",
        )
    )


class QuestionIndexView(SnippetIndexView):
    """The bank's listing, with "Import questions" and "Export to Moodle XML" (the questions
    the current filters show) beside "Add question"."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("content.add_question"):
            buttons.append(
                HeaderButton(
                    _("Import questions"),
                    url=reverse("question_import:index"),
                    icon_name="upload",
                )
            )
        query = self.request.GET.urlencode()
        export = reverse("question_import:export") + (f"?{query}" if query else "")
        buttons.append(HeaderButton(_("Export to Moodle XML"), url=export, icon_name="download"))
        return buttons


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    menu_order = 250
    add_to_admin_menu = True
    filterset_class = QuestionFilterSet
    index_view_class = QuestionIndexView
    search_fields = ["text", "code"]
    search_backend_name = None  # plain database search: no index to keep in step
    list_display = [
        "code",
        Column("text", label=_("Question")),
        Column("indicators", label=_("Indicators"), accessor=indicator_codes),
        Column("qtype", label=pgettext_lazy("question", "Type"), accessor="get_qtype_display"),
        Column("difficulty", label=_("Difficulty"), accessor="get_difficulty_display"),
        "updated_at",
        LiveStatusTagColumn(),  # live, draft, in moderation: Wagtail adds it only by default
    ]
    list_per_page = 50
    ordering = ["code"]
    chooser_viewset_class = QuestionChooserViewSet
    chooser_per_page = 25

    def get_queryset(self, request):
        return with_review_states(Question.objects.prefetch_related("indicators").order_by("code"))
