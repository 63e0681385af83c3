"""Two things for every request: the page tree's version is read once from the shared cache
and pinned for the request (content/tree_cache.py), and the request's site is chosen from
the cached sites. Wagtail would look the site up with a query whenever a page URL is built
(`{% pageurl %}`, `page.get_url(request)`) on pages it did not serve itself: the dashboard,
the assessor's pages (content/routing.py, `site_for_request`)."""

from content.routing import site_for_request
from content.tree_cache import pinned_version


class PageTreeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(("/static/", "/media/")):
            return self.get_response(request)
        with pinned_version():
            request._wagtail_site = site_for_request(request)
            return self.get_response(request)
