"""Third-party reports: the assessor sends a supervisor a one-off link; the supervisor fills
a short form per indicator without an account. The assessor can send a new link (the old one
stops working) or cancel it from the trainee's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms.evidence import ThirdPartyHeaderForm, ThirdPartyRequestForm
from assessments.forms.results import ItemResultsForm
from assessments.models.evidence import ItemResult, ThirdPartyRequest
from assessments.selectors.profile import unit_indicators
from assessments.selectors.scope import assessment_context, trainee_for_assessor_or_404
from assessments.services.third_party import (
    IndicatorReport,
    LinkRefused,
    third_party_link,
    third_party_report_submit,
    third_party_request_cancel,
    third_party_request_create,
    third_party_request_for_token,
    third_party_request_resend,
)
from core.languages import current_language
from core.views import run_service
from people.permissions import decider_required


@never_cache
@decider_required
def third_party_new(request, trainee_id: int):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    unit, _course = assessment_context(trainee)
    if unit is None:
        raise Http404
    form = ThirdPartyRequestForm(request.POST or None)
    language = current_language()
    created = run_service(
        form,
        lambda data: third_party_request_create(
            assessor=request.user, trainee=trainee, unit=unit, language=language, **data
        ),
    )
    link = None
    if created is not None:
        _tp_request, token = created
        link = third_party_link(token, language=language)
        messages.success(request, _("The link will be e-mailed to the supervisor."))
        form = ThirdPartyRequestForm()
    return render(
        request,
        "assessments/workspace/third_party_new.html",
        {"form": form, "trainee": trainee, "link": link},
    )


def _request_in_scope_or_404(user, trainee_id: int, request_id: int):
    trainee = trainee_for_assessor_or_404(user, trainee_id)
    return trainee, get_object_or_404(ThirdPartyRequest, pk=request_id, trainee=trainee)


@never_cache
@decider_required
@require_POST
def third_party_resend(request, trainee_id: int, request_id: int):
    trainee, tp_request = _request_in_scope_or_404(request.user, trainee_id, request_id)
    language = current_language()
    try:
        tp_request, token = third_party_request_resend(
            assessor=request.user, third_party_request=tp_request, language=language
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("assessments:trainee", trainee.pk)
    messages.success(
        request, _("A new link will be e-mailed to the supervisor. The old link no longer works.")
    )
    return render(
        request,
        "assessments/workspace/third_party_resent.html",
        {
            "trainee": trainee,
            "tp_request": tp_request,
            "link": third_party_link(token, language=language),
        },
    )


@never_cache
@decider_required
@require_POST
def third_party_cancel(request, trainee_id: int, request_id: int):
    trainee, tp_request = _request_in_scope_or_404(request.user, trainee_id, request_id)
    try:
        third_party_request_cancel(assessor=request.user, third_party_request=tp_request)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("The link for %(supervisor)s has been cancelled.")
            % {"supervisor": tp_request.supervisor_name},
        )
    return redirect("assessments:trainee", trainee.pk)


def _same_origin_referrer(response):
    # The token is in the URL: never leak it to other sites through the Referer header
    # ("no-referrer" would make browsers send "Origin: null", which fails the CSRF check).
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def third_party_form(request, token: str):
    """Public: no login. The token is the only key; refused once used or expired."""
    return _same_origin_referrer(_third_party_form(request, token))


def _third_party_form(request, token: str):
    try:
        tp_request = third_party_request_for_token(token)
    except LinkRefused as refused:
        return render(
            request,
            "assessments/workspace/third_party_refused.html",
            {"reason": refused.reason},
            status=410 if refused.reason != "unknown" else 404,
        )
    indicators = unit_indicators(tp_request.unit)
    form = ThirdPartyHeaderForm(
        request.POST or None, initial={"supervisor_name": tp_request.supervisor_name}
    )
    results = ItemResultsForm(request.POST or None, keys=[ind.pk for ind in indicators])
    try:
        record = run_service(
            form,
            lambda data: third_party_report_submit(
                token=token,
                supervisor_name=data["supervisor_name"],
                supervisor_role=data["supervisor_role"],
                declared=data["declaration"],
                observed_from=data["observed_from"],
                summary=data["summary"],
                reports=[
                    IndicatorReport(ind, results.result(ind.pk), results.comment(ind.pk))
                    for ind in indicators
                ],
            ),
        )
    except LinkRefused as refused:
        return render(
            request,
            "assessments/workspace/third_party_refused.html",
            {"reason": refused.reason},
            status=410,
        )
    if record is not None:
        return render(
            request,
            "assessments/workspace/third_party_thanks.html",
            {"trainee_name": tp_request.trainee.printed_name},
        )
    rows = [{"indicator": ind, **results.shown(ind.pk)} for ind in indicators]
    return render(
        request,
        "assessments/workspace/third_party_form.html",
        {
            "form": form,
            "rows": rows,
            "results": ItemResult.choices,
            "tp_request": tp_request,
        },
    )
