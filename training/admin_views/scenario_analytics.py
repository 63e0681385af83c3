"""Scenario analytics for trainers (Wagtail admin): per scenario the runs, completion rate and
pass rate, and a path heatmap: the scenario graph with each arrow as thick and as red as the
share of trainees who took that choice. Trainers and admins only."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from content import scenario_graph
from content.pages.scenario import ScenarioPage
from content.selectors.scenarios import scenario_graph_of
from people import roles
from training.selectors.scenarios import (
    scenario_choice_counts,
    scenario_ending_counts,
    scenario_stats,
)


def _require_trainer(request) -> None:
    if not roles.is_trainer(request.user):
        raise PermissionDenied


@never_cache
def scenario_analytics_index(request):
    _require_trainer(request)
    pages = ScenarioPage.objects.order_by("path").only("id", "title", "path", "live", "depth")
    return TemplateResponse(
        request,
        "training/scenarios/analytics_index.html",
        {"rows": scenario_stats(pages), "header_title": _("Scenario analytics")},
    )


@never_cache
def scenario_analytics_detail(request, page_id: int):
    _require_trainer(request)
    page = get_object_or_404(ScenarioPage, pk=page_id)
    stats = scenario_stats([page])[0]
    counts = scenario_choice_counts(page)
    graph = scenario_graph_of(page)
    try:
        svg = mark_safe(scenario_graph.render_svg(graph, counts=counts))  # noqa: S308 (dot escapes all text)
        render_error = ""
    except scenario_graph.RenderError as exc:
        svg, render_error = "", str(exc)
    by_step: dict[str, list] = {}
    for choice in graph.choices:
        by_step.setdefault(choice.from_key, []).append(choice)
    steps = []
    for step in graph.steps:
        choices = by_step.get(step.key, [])
        total = sum(counts.get(c.id, 0) for c in choices)
        steps.append(
            {
                "step": step,
                "total": total,
                "choices": [
                    {
                        "choice": c,
                        "count": counts.get(c.id, 0),
                        "percent": round(100 * counts.get(c.id, 0) / total) if total else None,
                    }
                    for c in choices
                ],
            }
        )
    endings = scenario_ending_counts(page)
    return TemplateResponse(
        request,
        "training/scenarios/analytics_detail.html",
        {
            "page": page,
            "stats": stats,
            "svg": svg,
            "render_error": render_error,
            "steps": steps,
            "endings": [(s, endings.get(s.key, 0)) for s in graph.steps if s.kind == "ending"],
            "header_title": _("Scenario analytics: %(title)s") % {"title": page.title},
        },
    )


@hooks.register("register_admin_urls")
def scenario_analytics_urls():
    return [
        path("scenario-analytics/", scenario_analytics_index, name="scenario_analytics"),
        path(
            "scenario-analytics/<id:page_id>/",
            scenario_analytics_detail,
            name="scenario_analytics_detail",
        ),
    ]


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_trainer(request.user)


@hooks.register("register_reports_menu_item")
def scenario_analytics_menu_item():
    return TrainerMenuItem(
        gettext_lazy("Scenario analytics"),
        reverse("scenario_analytics"),
        icon_name="site",
        order=700,
    )
