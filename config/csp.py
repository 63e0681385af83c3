"""Content-Security-Policy: strict on the public site, relaxed for the Wagtail admin, whose
own templates use inline scripts and styles."""

from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/", "/en/admin/")
ADMIN_RELAXED = {
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
    "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
}


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(ADMIN_PREFIXES):
            # 'unsafe-inline' is ignored by browsers when a nonce is present.
            parts.nonce = None
            parts.replace = {**(parts.replace or {}), **ADMIN_RELAXED}
        return parts
