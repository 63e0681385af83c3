"""What a page needs to be served through the cached route table (content/routing.py,
content.views.serve): the relations its template reads, fetched in the page's own query, and
privacy (Wagtail's page view restrictions) without a query when the table already knows
there is none; the table holds only pages with no restriction on them or above them."""

from wagtail.models import PageViewRestriction


class CachedRoutePage:
    # Fetched with the page in one query when it is served (extended by page types).
    serve_select_related: tuple[str, ...] = ("locale",)
    # Set by content.views.serve on a page it found through the route table.
    route_has_no_view_restrictions = False

    def get_view_restrictions(self):
        if self.route_has_no_view_restrictions:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
