from wagtail import views as wagtail_views
from wagtail.url_routing import RouteResult

from content import routing


def serve(request, path):
    """Wagtail's front-end view with the page found through the cached route table
    (content/routing.py): one query for the page instead of Wagtail's walk down the tree.
    Wagtail's hooks and checks (request method, privacy, our enrolment check) all still run:
    only the lookup is done here, and anything the table does not hold is routed by Wagtail."""
    route = routing.resolve(request, path)
    if route is not None:
        page = (
            route.model.objects.select_related(*route.model.serve_select_related)
            .filter(pk=route.page_id, live=True)
            .first()
        )
        if page is not None:
            page.route_has_no_view_restrictions = True  # the table holds none for it
            request._wagtail_route_for_request = RouteResult(page)
    return wagtail_views.serve(request, path)


def home(request):
    """The site root, named so that `{% url 'home' %}` and language switching work."""
    return serve(request, "")
