"""Scenario authoring in the Wagtail admin: refuse to publish an invalid graph, and a
full-size picture of the graph linked from the page's action menu (the editor's "Graph" tab
shows it too). Choice mappings follow their points after every publish (see the
`page_published` receiver in content/pages/scenario.py). Hooks are registered in
content/wagtail_hooks.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from content import scenario_graph
from content.pages.scenario import ScenarioPage
from content.selectors.scenarios import scenario_graph_of, scenario_publish_problems

GRAPH_URL = "scenario_graph:graph"


def refuse_invalid_scenario(request, page):
    """`before_publish_page`: a second gate behind the form's own check
    (ScenarioPageForm.is_valid)."""
    if not isinstance(page, ScenarioPage):
        return None
    problems = scenario_publish_problems(page)
    if not problems:
        return None
    for problem in problems:
        messages.error(request, problem.message)
    messages.error(request, _("The scenario was saved as a draft but not published."))
    return redirect("wagtailadmin_pages:edit", page.pk)


def graph_picture(graph, **options) -> tuple[str, str]:
    """(svg, "") for a graph Graphviz can draw, else ("", why not)."""
    try:
        return mark_safe(scenario_graph.render_svg(graph, **options)), ""  # noqa: S308 (dot escapes all text)
    except scenario_graph.RenderError as exc:
        return "", str(exc)


class ScenarioGraphView(WagtailAdminTemplateMixin, TemplateView):
    """The latest draft's graph, full size, with its problems. Editors of the page only."""

    template_name = "content/scenario/graph_view.html"
    header_icon = "site"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(ScenarioPage, pk=kwargs["page_id"])

    def dispatch(self, request, *args, **kwargs):
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Graph: %(title)s") % {"title": self.page.title}

    def get_breadcrumbs_items(self):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        return [
            *self.breadcrumbs_items,
            {"url": edit_url, "label": self.page.get_admin_display_title()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        draft = self.page.get_latest_revision_as_object()
        svg, render_error = graph_picture(scenario_graph_of(draft))
        return super().get_context_data(
            page=self.page,
            svg=svg,
            problems=scenario_publish_problems(draft),
            render_error=render_error,
            **kwargs,
        )


class ScenarioGraphViewSet(ViewSet):
    """No menu item: the page editor's action menu links here (ScenarioGraphMenuItem)."""

    def get_urlpatterns(self):
        view = self.construct_view(ScenarioGraphView)
        return [path("<id:page_id>/graph/", view, name="graph")]


scenario_graph_viewset = ScenarioGraphViewSet("scenario_graph", url_prefix="scenarios")


class ScenarioGraphMenuItem(ActionMenuItem):
    label = gettext_lazy("Scenario graph")
    name = "action-scenario-graph"
    icon_name = "site"
    order = 900

    def is_shown(self, context):
        page = context.get("page")
        return context.get("view") == "edit" and isinstance(page, ScenarioPage)

    def get_url(self, context):
        return reverse(GRAPH_URL, args=[context["page"].pk])
