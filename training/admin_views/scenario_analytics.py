"""Scenario analytics for trainers (Wagtail admin, Reports): per scenario the runs, completion
rate and pass rate, and a path heatmap: the scenario graph with each arrow as thick and as red
as the share of trainees who took that choice. Trainers and admins only."""

from functools import cached_property

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from content.admin_views.scenarios import graph_picture
from content.pages.scenario import ScenarioPage
from content.selectors.scenarios import scenario_graph_of
from core.admin_roles import ReportDetailMixin, RoleReportViewSet, RoleRequiredMixin
from people import roles
from training.selectors.scenarios import (
    scenario_choice_counts,
    scenario_ending_counts,
    scenario_stats,
)

TITLE = gettext_lazy("Scenario analytics")


class ScenarioListView(RoleRequiredMixin, ReportView):
    """Every scenario (drafts too) with its figures."""

    page_title = TITLE
    header_icon = "site"
    results_template_name = "training/scenarios/analytics_results.html"
    detail_url_name = None

    def get_base_queryset(self):
        return ScenarioPage.objects.order_by("path").only("id", "title", "path", "live", "depth")

    def decorate_paginated_queryset(self, object_list):
        return scenario_stats(object_list)

    def get_context_data(self, **kwargs):
        return super().get_context_data(detail_url_name=self.detail_url_name, **kwargs)


def _choice_rows(graph, counts: dict) -> list[dict]:
    """Per step, its choices with how often each was taken and its share of the step."""
    by_step: dict[str, list] = {}
    for choice in graph.choices:
        by_step.setdefault(choice.from_key, []).append(choice)
    steps = []
    for step in graph.steps:
        choices = by_step.get(step.key, [])
        total = sum(counts.get(c.id, 0) for c in choices)
        rows = [
            {
                "choice": c,
                "count": counts.get(c.id, 0),
                "percent": round(100 * counts.get(c.id, 0) / total) if total else None,
            }
            for c in choices
        ]
        steps.append({"step": step, "total": total, "choices": rows})
    return steps


class ScenarioAnalyticsView(
    RoleRequiredMixin, ReportDetailMixin, WagtailAdminTemplateMixin, TemplateView
):
    """One scenario: its figures, the heatmap and the counts behind it."""

    page_title = TITLE
    header_icon = "site"
    template_name = "training/scenarios/analytics_detail.html"

    @cached_property
    def page(self) -> ScenarioPage:
        return get_object_or_404(ScenarioPage, pk=self.kwargs["page_id"])

    def get_page_subtitle(self):
        return self.page.title

    def get_context_data(self, **kwargs):
        page = self.page
        counts = scenario_choice_counts(page)
        graph = scenario_graph_of(page)
        svg, render_error = graph_picture(graph, counts=counts)
        endings = scenario_ending_counts(page)
        return super().get_context_data(
            page=page,
            stats=scenario_stats([page])[0],
            svg=svg,
            render_error=render_error,
            steps=_choice_rows(graph, counts),
            endings=[(s, endings.get(s.key, 0)) for s in graph.steps if s.kind == "ending"],
            **kwargs,
        )


class ScenarioAnalyticsViewSet(RoleReportViewSet):
    user_check = staticmethod(roles.is_trainer)
    icon = "site"
    menu_label = TITLE
    menu_name = "scenario-analytics"
    menu_order = 700
    index_view_class = ScenarioListView
    detail_view_class = ScenarioAnalyticsView
    detail_kwarg = "page_id"


scenario_analytics_viewset = ScenarioAnalyticsViewSet(
    "scenario_analytics", url_prefix="scenario-analytics"
)
