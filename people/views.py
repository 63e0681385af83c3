from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from people.forms import LocalLoginForm, oidc_provider_label
from people.notifications import (
    notification_mark_read,
    notifications_for,
    notifications_mark_all_read,
)
from people.preferences import preferred_language

NOTIFICATIONS_PER_PAGE = 30


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True
    authentication_form = LocalLoginForm

    def get_context_data(self, **kwargs):
        """The company sign-in button, when OpenID Connect is configured."""
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider"] = oidc_provider_label()
        return context

    def get_success_url(self):
        """Where the person was going, in the language they chose on their profile (if they
        chose one): the site speaks their language from the first page after log-in."""
        url = super().get_success_url()
        language = preferred_language(self.request.user)
        if language and language != get_language():
            url = translate_url(url, language)
        return url


@never_cache
def healthz(request):
    """A trivial view: load balancers probe it and `make bench` uses it as the baseline."""
    return HttpResponse("ok", content_type="text/plain")


# --- notifications -------------------------------------------------------------------


@never_cache
@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/notifications.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
        },
    )


@never_cache
@login_required
def notification_open(request, pk: int):
    """Mark one of the person's notifications read and go where it points (their own only:
    anyone else's is a 404)."""
    notification = notification_mark_read(user=request.user, notification_id=pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications")


@never_cache
@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")
