"""The company sign-in's pages: mozilla-django-oidc's start and callback views (404 while
the sign-in is off; a refused sign-in is a translated message on the log-in page), and the
site's log-out, which also ends the provider's session when the person came from there."""

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people.oidc.logout import provider_logout_url
from people.oidc.provider import oidc_setting
from people.preferences import preferred_language

SESSION_BACKEND = "people.auth_backend.ProfileModelBackend"
# The language the person started in, for the messages and pages after the provider: the
# callback is one URL (/accounts/oidc/callback/, without a language prefix) for the provider.
SESSION_LANGUAGE = "oidc_language"


def _refused(request) -> HttpResponseRedirect:
    messages.error(
        request,
        _(
            "The sign-in with your company account did not succeed. Try again; if it fails "
            "again, ask your administrator."
        ),
    )
    return redirect("login")


class CompanySignInView(OIDCAuthenticationRequestView):
    """Sends the person to the provider (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoints are read in get(), not at start-up

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (ImproperlyConfigured, requests.RequestException, ValueError):
            return _refused(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        request.session[SESSION_LANGUAGE] = get_language()
        with translation.override(settings.LANGUAGE_CODE):  # the one redirect URI
            return super().get(request)


class CompanyCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        language = request.session.get(SESSION_LANGUAGE) or get_language()
        try:
            response = super().get(request)
        except SuspiciousOperation:  # an unknown or replayed state
            response = None
        with translation.override(language):
            return response or _refused(request)

    def login_failure(self):
        return None

    def login_success(self):
        # Later requests load the user through the profile-fetching model backend: no call
        # to the provider on every page.
        auth.login(self.request, self.user, backend=SESSION_BACKEND)
        url = self.success_url
        language = preferred_language(self.user)
        if language:
            url = translate_url(url, language)
        return HttpResponseRedirect(url)


class SiteLogoutView(auth_views.LogoutView):
    """Django's log-out; someone who signed in with their company account is then sent to
    the provider's end-session endpoint (when it has one) to end that session too."""

    def post(self, request, *args, **kwargs):
        if settings.OIDC_ENABLED and request.session.get("oidc_id_token"):
            url = provider_logout_url(request)
            auth.logout(request)
            return HttpResponseRedirect(url)
        return super().post(request, *args, **kwargs)
