import core.converters  # noqa: F401  # isort: skip  (registers <id:...> before any URL module loads)
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.cache import patch_cache_control
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.app_manifest import web_manifest
from content import views as content_views
from core import health as core_health
from people import views as people_views
from training import page_cache

handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"


def favicon(request):
    """Browsers ask for /favicon.ico on their own: send them to the cache-busted static file."""
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


def robots_txt(request):
    """Crawlers may read the front page and the course's public pages; the admin and the
    sign-in pages are not for them. /learn/ and /assess/ answer only a signed-in person (a
    crawler is sent to the sign-in page), so they need no line here, and a signed-in
    learner's pages are not reported as blocked from indexing."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/"]
    lines += ["Disallow: /en/accounts/", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz/", people_views.healthz, name="healthz"),
    path("readyz/", core_health.readyz, name="readyz"),
]

urlpatterns += i18n_patterns(
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
    path("accounts/", include("people.urls")),
    path("learn/", include("training.urls")),
    path("assess/", include("assessments.urls")),
    path("verify/", include("assessments.verify_urls")),
    path("privacy/", include("privacy.urls")),
    path("", content_views.home, name="home"),
    # Wagtail's page serving through the cached route table (content/routing.py), a
    # trainee's course, module and lesson pages kept once rendered (training/page_cache.py);
    # Wagtail's own patterns below keep its password and login views.
    re_path(
        r"^((?:[\w\-]+/)*)$",
        page_cache.serve_kept_pages(content_views.serve),
        name="wagtail_serve",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
