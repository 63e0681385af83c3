"""Observation checklist items in the Wagtail admin: a snippet viewset filtered by unit,
indicator, method and the context where the behaviour is observed (the indicator is picked with its own chooser, content/admin_views/
choosers.py). Items are drafts until the two-person review approves them: the list shows
Wagtail's status column (live, draft, in moderation) last."""

import django_filters
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_views.questions import with_review_states
from content.models.framework import AssessmentMethod, CompetencyUnit, Indicator
from content.models.observation import ObservationContext, ObservationItem


class ObservationItemFilterSet(WagtailFilterSet):
    indicator__unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("competency unit"),
        field_name="indicator__unit",
        queryset=CompetencyUnit.objects.order_by("code"),
    )
    indicator = django_filters.ModelChoiceFilter(
        label=gettext_lazy("behaviour indicator"),
        queryset=Indicator.objects.order_by("unit__code", "sort_order", "code"),
    )
    assessment_method = django_filters.ChoiceFilter(
        label=gettext_lazy("assessment method"), choices=AssessmentMethod.choices
    )
    context = django_filters.ChoiceFilter(
        label=gettext_lazy("where it can be observed"),
        choices=ObservationContext.choices,
        method="filter_context",
    )

    class Meta:
        model = ObservationItem
        fields = ["indicator__unit", "indicator", "assessment_method", "context"]

    def filter_context(self, queryset, name, value):
        return queryset.in_context(value) if value else queryset


class ObservationItemViewSet(SnippetViewSet):
    model = ObservationItem
    icon = "view"
    menu_label = gettext_lazy("Observation checklist")
    menu_name = "observation-items"
    menu_order = 260
    add_to_admin_menu = True
    search_backend_name = None
    search_fields = ["text"]
    filterset_class = ObservationItemFilterSet
    list_per_page = 50
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            Column(
                "indicator",
                label=gettext_lazy("behaviour indicator"),
                accessor=lambda o: o.indicator.code,
            ),
            "text",
            Column(
                "contexts",
                label=gettext_lazy("where it can be observed"),
                accessor=lambda o: ", ".join(str(label) for label in o.context_labels()),
            ),
            "assessment_method",
            Column(
                "unit",
                label=gettext_lazy("competency unit"),
                accessor=lambda o: o.indicator.unit.code,
            ),
            LiveStatusTagColumn(),
        ]

    def get_queryset(self, request):
        return with_review_states(
            ObservationItem.objects.select_related("indicator__unit").order_by(
                "indicator__unit__code", "indicator__sort_order", "sort_order", "pk"
            )
        )
