"""Trainees read and acknowledge the privacy notice before their first lesson: a trainee
without an acknowledgement of the current NOTICE_VERSION who opens a page under /learn/
(either language) is sent to the notice. Only GET/HEAD of trainees who hold no staff role;
switched off by PRIVACY_NOTICE_REQUIRED = False."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from people import roles
from privacy.notice import NOTICE_VERSION
from privacy.selectors import has_acknowledged

SESSION_KEY = "privacy_notice_ack"


def _learn_path_re() -> re.Pattern:
    prefixes = "|".join(re.escape(code) + "/" for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:{prefixes})?learn/")


class PrivacyNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.learn_path = _learn_path_re()

    def __call__(self, request):
        if self._must_acknowledge(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('privacy:notice')}?{query}")
        return self.get_response(request)

    def _must_acknowledge(self, request) -> bool:
        if not getattr(settings, "PRIVACY_NOTICE_REQUIRED", True):
            return False
        if request.method not in ("GET", "HEAD") or not self.learn_path.match(request.path_info):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        marker = f"{user.pk}:{NOTICE_VERSION}"
        if request.session.get(SESSION_KEY) == marker:  # acknowledged: no role to read
            return False
        if not roles.is_trainee(user):
            return False
        if user.is_superuser or roles.is_trainer(user) or roles.is_assessor(user):
            return False
        if roles.is_training_manager(user):
            return False
        if has_acknowledged(user):
            request.session[SESSION_KEY] = marker
            return False
        return True
