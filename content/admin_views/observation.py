"""Observation checklist items in the Wagtail admin: a snippet viewset filtered by unit,
indicator and method (the indicator is picked with its own chooser, content/admin_views/
choosers.py). Items are drafts until the two-person review approves them: the list shows
Wagtail's status column (live, draft, in moderation) last."""

from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_views.questions import with_review_states
from content.models.observation import ObservationItem


class ObservationItemViewSet(SnippetViewSet):
    model = ObservationItem
    icon = "view"
    menu_label = gettext_lazy("Observation checklist")
    menu_name = "observation-items"
    menu_order = 260
    add_to_admin_menu = True
    search_backend_name = None
    search_fields = ["text"]
    list_filter = {
        "indicator__unit": ["exact"],
        "indicator": ["exact"],
        "assessment_method": ["exact"],
    }
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
