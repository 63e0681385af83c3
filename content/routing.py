"""Routing a front-end URL to its page with one query instead of Wagtail's two per level.

Wagtail finds the site (one query), then walks the tree from the site's root, fetching each
level's child and then its specific page. For a lesson four levels down that is ten queries
on every request, for a tree that changes only when something is published. The route table
here maps each site's live pages by URL path to (page id, page model), cached per version
of the page tree (content/tree_cache.py), so a request costs one query: the page itself.

Anything the table does not hold with certainty goes through Wagtail's own routing: pages
under a view restriction (privacy), aliases, and URLs with no live page (Wagtail's 404, or a
page's own sub-routes such as RoutablePageMixin)."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from content.tree_cache import tree_cached


@dataclass(frozen=True)
class Route:
    page_id: int
    app_label: str
    model_name: str

    @property
    def model(self):
        return apps.get_model(self.app_label, self.model_name)


def build_route_table() -> dict[int, dict[str, Route]]:
    """{site id: {"course/module/lesson/": Route}}: every live page under each site's root
    that Wagtail's routing would reach by slugs, with no view restriction on it or above it,
    and not an alias."""
    restricted_paths = list(
        PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
    )
    content_types = ContentType.objects.in_bulk(
        Page.objects.values_list("content_type_id", flat=True).distinct()
    )
    routes: dict[int, dict[str, Route]] = {}
    for site in Site.objects.select_related("root_page"):
        root = site.root_page
        table: dict[str, Route] = {}
        pages = (
            Page.objects.descendant_of(root, inclusive=True)
            .values_list("pk", "path", "url_path", "live", "alias_of_id", "content_type_id")
            .order_by("path")
        )
        for pk, path, url_path, live, alias_of_id, content_type_id in pages:
            if not live:  # Wagtail's 404 (its children are still reached by their slugs)
                continue
            if alias_of_id is not None or any(path.startswith(r) for r in restricted_paths):
                continue
            content_type = content_types[content_type_id]
            table[url_path[len(root.url_path) :]] = Route(
                pk, content_type.app_label, content_type.model
            )
        routes[site.pk] = table
    return routes


def route_table() -> dict[int, dict[str, Route]]:
    return tree_cached("routes", build=build_route_table, frozen=True)  # read, never changed


def site_for_request(request) -> Site | None:
    """Wagtail's own choice of site for the request's host and port
    (`wagtail.models.sites.get_site_for_hostname`), remembered per host and port with the
    page tree's version instead of a query on every request."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()

    def find() -> tuple[Site | None]:  # a tuple: "no site" is an answer worth keeping too
        try:
            return (get_site_for_hostname(hostname, port),)
        except Site.DoesNotExist:
            return (None,)

    return tree_cached("site", hostname, port, build=find, frozen=True)[0]


def resolve(request, path: str) -> Route | None:
    """The route of this URL path on the request's site, or None: let Wagtail route it."""
    site = Site.find_for_request(request)  # no query: content.middleware chose it
    if site is None:
        return None
    key = "".join(f"{c}/" for c in path.split("/") if c)
    return route_table().get(site.pk, {}).get(key)
