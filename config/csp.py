"""Content-Security-Policy: strict on the public site, relaxed for the Wagtail admin, whose
own templates use inline scripts and styles.

The editor's preview panel is an iframe on /admin/pages/<id>/edit/preview/. Wagtail renders
the page for it through a dummy request to the page's public URL (`make_preview_request`), so
that request runs through this middleware with a public path and got the public policy,
`frame-ancestors 'none'`: the outer admin response keeps the header the dummy response
already has, and the browser refused to show the preview. (X-Frame-Options is not the
problem: Wagtail's preview view overrides it to SAMEORIGIN.) Preview responses keep the public
policy, so trainers see what the public sees, except that the admin may frame them."""

from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/",)
ADMIN_RELAXED = {
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
    "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
}
PREVIEW_RELAXED = {"frame-ancestors": ["'self'"]}


def is_wagtail_preview(request) -> bool:
    """A page rendered for Wagtail's preview: the dummy request `make_preview_request` builds
    (flags set in code, never from anything the client sends)."""
    return (
        getattr(request, "is_dummy", False) is True
        and getattr(request, "is_preview", False) is True
    )


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(ADMIN_PREFIXES):
            # 'unsafe-inline' is ignored by browsers when a nonce is present.
            parts.nonce = None
            parts.replace = {**(parts.replace or {}), **ADMIN_RELAXED}
        elif is_wagtail_preview(request):
            parts.replace = {**(parts.replace or {}), **PREVIEW_RELAXED}
        return parts
