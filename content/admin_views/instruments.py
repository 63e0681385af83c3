"""Assessment instruments in the Wagtail admin (role-play scripts, portfolio tasks,
customer-feedback forms, third-party prompts): a snippet viewset filtered by unit and kind.
Instruments are drafts until the two-person review approves them; the list shows Wagtail's
status column last, with whether the live version has been validated. Assessors validate the live revision on /assess/instruments/."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_views.questions import with_review_states
from content.models.framework import CompetencyUnit
from content.models.instruments import (
    AssessmentInstrument,
    InstrumentKind,
    InstrumentValidation,
)


class AssessmentInstrumentFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("competency unit"), queryset=CompetencyUnit.objects.order_by("code")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("kind of instrument"), choices=InstrumentKind.choices
    )

    class Meta:
        model = AssessmentInstrument
        fields = ["unit", "kind"]


class AssessmentInstrumentViewSet(SnippetViewSet):
    model = AssessmentInstrument
    icon = "clipboard-list"
    menu_label = gettext_lazy("Assessment instruments")
    menu_name = "assessment-instruments"
    menu_order = 265
    add_to_admin_menu = True
    search_backend_name = None
    search_fields = ["title"]
    filterset_class = AssessmentInstrumentFilterSet
    list_per_page = 50
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            "title",
            "kind",
            Column("unit", label=gettext_lazy("competency unit"), accessor=lambda o: o.unit.code),
            Column(
                "validated",
                label=gettext_lazy("validated by a second assessor"),
                accessor=lambda o: (
                    gettext_lazy("yes") if o._validated else (gettext_lazy("no") if o.live else "—")
                ),
            ),
            LiveStatusTagColumn(),
        ]

    def get_queryset(self, request):
        validated = InstrumentValidation.objects.filter(
            instrument=OuterRef("pk"), revision_id=OuterRef("live_revision_id")
        )
        return with_review_states(
            AssessmentInstrument.objects.select_related("unit")
            .annotate(_validated=Exists(validated))
            .order_by("unit__code", "kind", "title", "pk")
        )
