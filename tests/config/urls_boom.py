"""The real URLconf plus views that fail, to test the error pages through the whole stack."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import *  # noqa: F403 - the handlers and every real route
from config.urls import urlpatterns as real_urlpatterns
from people.models import User


def boom(request):
    User.objects.count()  # fails when the test blocks the database ("the database is down")
    raise RuntimeError("boom")


def denied_with_reason(request):
    raise PermissionDenied("只有指派的評量人員可以決定。")


urlpatterns = [
    *i18n_patterns(
        path("boom/", boom),
        path("denied/", denied_with_reason),
        prefix_default_language=False,
    ),
    *real_urlpatterns,
]
