from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from content.views import home as content_home
from people import views as people_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz/", people_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("people.urls")),
    path("learn/", include("training.urls")),
    path("assess/", include("assessments.urls")),
    path("verify/", include("assessments.verify_urls")),
    path("trainer/", include("content.urls")),
    path("", content_home.home, name="home"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
