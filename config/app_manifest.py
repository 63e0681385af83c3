"""The web app manifest: name, colours and icons when a trainee adds the academy to a phone's
home screen. Served in the page's language (/manifest.webmanifest, /en/manifest.webmanifest)."""

from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

THEME_COLOUR = "#0b5d4b"


def web_manifest(request):
    language = get_language() or "zh-hant"
    manifest = {
        "name": _("Loyalty Academy"),
        "short_name": _("Loyalty Academy"),
        "description": _("Learn, practise and be assessed on the customer loyalty programme."),
        "lang": "zh-Hant" if language == "zh-hant" else language,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    patch_cache_control(response, public=True, max_age=3600)
    return response
