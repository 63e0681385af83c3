"""The privacy notice (anyone may read it; a signed-in person acknowledges it) and the
person's own data export."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from core.views import run_service
from privacy.export import SCHEMA_VERSION, personal_data_json
from privacy.forms import NoticeAcknowledgeForm
from privacy.middleware import SESSION_KEY
from privacy.notice import NOTICE_VERSION, SECTIONS
from privacy.selectors import has_acknowledged, latest_acknowledgement
from privacy.services import acknowledgement_record


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("training:dashboard")


@never_cache
def notice(request):
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = NoticeAcknowledgeForm(request.POST or None)

    def acknowledge(_data):
        return acknowledgement_record(user=user)

    if request.method == "POST" and run_service(form, acknowledge):
        request.session[SESSION_KEY] = f"{user.pk}:{NOTICE_VERSION}"
        return redirect(_safe_next(request))
    acknowledged = user.is_authenticated and has_acknowledged(user)
    return render(
        request,
        "privacy/notice.html",
        {
            "sections": SECTIONS,
            "version": NOTICE_VERSION,
            "form": form,
            "acknowledged": acknowledged,
            "acknowledgement": latest_acknowledgement(user) if acknowledged else None,
            "next": _safe_next(request) if "next" in request.GET or "next" in request.POST else "",
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {"schema_version": SCHEMA_VERSION, "acknowledgement": latest_acknowledgement(request.user)},
    )


@never_cache
@login_required
def my_data_download(request):
    body = personal_data_json(request.user)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{request.user.pk}-{stamp}.json"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
