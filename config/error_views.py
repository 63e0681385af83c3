"""Error pages (`handler400/403/404/500` and `CSRF_FAILURE_VIEW`).

400, 403 and 404 render in the site's layout (header, language switcher, the user's role
links). 500 never touches the database: it may be answering because the database is down, so
it renders a self-contained template without a request (no context processors, no user, no
Wagtail settings), with only the active language, the home link and a "try again" link."""

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render, resolve_url
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _back_url(request) -> str:
    """Where "Back" goes: the referring page, when it is one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - DisallowedHost and the like: no back link then
        return ""
    if not referer or referer == request.build_absolute_uri():
        return ""
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _login_url(request, *, come_back: bool) -> str:
    """For a visitor who is not logged in: the login page, coming back here afterwards when
    this page may open for the right account."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return ""
    if not come_back:
        return resolve_url(settings.LOGIN_URL)
    return redirect_to_login(request.get_full_path())["Location"]


def _home_url() -> str:
    try:
        return reverse("home")
    except NoReverseMatch:
        return "/"


def _standalone(request, template_name: str, status: int, context=None) -> HttpResponse:
    """Render without a request, so without context processors: nothing here may query the
    database. `error_layout` makes a 400/403/404 template extend the self-contained 500.html
    instead of the site's layout."""
    retry = request.get_full_path() if request.method in ("GET", "HEAD") else ""
    context = {
        "error_layout": "500.html",
        "status": status,
        "home_url": _home_url(),
        "retry_url": retry,
        **(context or {}),
    }
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def _in_layout(request, template_name: str, status: int, context=None) -> HttpResponse:
    """The error page in the site's layout; if that cannot render (a request rejected
    before the middleware set it up, a database that is down), the self-contained one."""
    context = {"status": status, "back_url": _back_url(request), **(context or {})}
    if not hasattr(request, "user"):
        # Refused before AuthenticationMiddleware ran (e.g. DisallowedHost): the layout's
        # header needs the user, so do not even try.
        return _standalone(request, template_name, status, context)
    try:
        return render(request, template_name, context, status=status)
    except Exception:
        logger.exception("The %s page could not render in the site's layout", status)
        context["login_url"] = ""  # may have come from a user lookup
        return _standalone(request, template_name, status, context)


@never_cache
@requires_csrf_token
def bad_request(request, exception=None):
    return _in_layout(request, "400.html", 400)


@never_cache
@requires_csrf_token
def permission_denied(request, exception=None):
    # Our own code raises PermissionDenied with a translated sentence for the user.
    message = str(exception) if exception is not None and exception.args else ""
    return _in_layout(
        request,
        "403.html",
        403,
        {"message": message, "login_url": _login_url(request, come_back=True)},
    )


@never_cache
@requires_csrf_token
def page_not_found(request, exception=None):
    return _in_layout(request, "404.html", 404, {"login_url": _login_url(request, come_back=False)})


@never_cache
def server_error(request):
    try:
        return _standalone(request, "500.html", 500)
    except Exception:
        logger.exception("The 500 page could not render")
        return HttpResponse(gettext("Server error (500)"), status=500, content_type="text/plain")


@never_cache
@requires_csrf_token
def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token: usually a page left open for a long time, or a
    browser that refuses cookies."""
    return _in_layout(request, "403_csrf.html", 403, {"no_cookie": reason == REASON_NO_CSRF_COOKIE})
