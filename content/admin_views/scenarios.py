"""Scenario authoring in the Wagtail admin: refuse to publish an invalid graph, and a
full-size picture of the graph linked from the page's action menu (the editor's "Graph" tab
shows it too). Choice mappings follow their points after every publish (see the
`page_published` receiver in content/pages/scenario.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem

from content import scenario_graph
from content.pages.scenario import ScenarioPage
from content.selectors.scenarios import scenario_graph_of, scenario_problems


@hooks.register("before_publish_page")
def refuse_invalid_scenario(request, page):
    """A second gate behind the form's own check (ScenarioPageForm.is_valid)."""
    if not isinstance(page, ScenarioPage):
        return None
    problems = scenario_problems(page)
    if not problems:
        return None
    for problem in problems:
        messages.error(request, problem.message)
    messages.error(request, _("The scenario was saved as a draft but not published."))
    return redirect("wagtailadmin_pages:edit", page.pk)


def scenario_graph_view(request, page_id: int):
    """The latest draft's graph, full size, with its problems. Editors of the page only."""
    page = get_object_or_404(ScenarioPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    draft = page.get_latest_revision_as_object()
    problems = scenario_problems(draft)
    try:
        svg = mark_safe(scenario_graph.render_svg(scenario_graph_of(draft)))  # noqa: S308 (dot escapes all text)
        render_error = ""
    except scenario_graph.RenderError as exc:
        svg, render_error = "", str(exc)
    return TemplateResponse(
        request,
        "content/scenario/graph_view.html",
        {
            "page": page,
            "svg": svg,
            "problems": problems,
            "render_error": render_error,
            "header_title": _("Graph: %(title)s") % {"title": page.title},
        },
    )


@hooks.register("register_admin_urls")
def scenario_admin_urls():
    return [
        path("scenarios/<id:page_id>/graph/", scenario_graph_view, name="scenario_graph"),
    ]


class ScenarioGraphMenuItem(ActionMenuItem):
    label = gettext_lazy("Scenario graph")
    name = "action-scenario-graph"
    icon_name = "site"
    order = 900

    def is_shown(self, context):
        page = context.get("page")
        return context.get("view") == "edit" and isinstance(page, ScenarioPage)

    def get_url(self, context):
        return reverse("scenario_graph", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def scenario_graph_menu_item():
    return ScenarioGraphMenuItem()
