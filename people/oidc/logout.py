"""Where log-out sends a person who signed in with their company account: the provider's
end-session endpoint (RP-initiated log-out) when it has one, back to our home page."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from people.oidc.provider import oidc_setting


def provider_logout_url(request) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # one URI to register at the provider
        home = request.build_absolute_uri(reverse("home"))
    try:
        endpoint = oidc_setting("OIDC_OP_END_SESSION_ENDPOINT", "")
    except Exception:  # noqa: BLE001 - the provider being away must not keep anyone signed in
        endpoint = ""
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return reverse("home")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": home,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
