"""Third-party reports: the assessor sends a supervisor a one-off link, naming the unit's
published report prompts when it has any; the supervisor fills a short form without an
account, one plain-language row per prompt (per indicator when the request has none). The
assessor can send a new link (the old one stops working) or cancel it from the trainee's
page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms.evidence import (
    SUPERVISOR_RESULTS,
    CriterionResultsForm,
    ThirdPartyHeaderForm,
    ThirdPartyRequestForm,
)
from assessments.forms.results import ItemResultsForm
from assessments.models.evidence import ItemResult, ThirdPartyRequest
from assessments.selectors.profile import unit_indicators
from assessments.selectors.scope import assessment_context, trainee_for_assessor_or_404
from assessments.services.third_party import (
    CriterionReport,
    IndicatorReport,
    LinkRefused,
    third_party_draft_save,
    third_party_link,
    third_party_report_submit,
    third_party_request_cancel,
    third_party_request_create,
    third_party_request_for_token,
    third_party_request_resend,
)
from assessments.share_links import link_share_context
from content.models.instruments import InstrumentKind
from content.selectors.instruments import instrument_criteria, live_instruments
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
    instruments = list(live_instruments(unit_id=unit.pk, kind=InstrumentKind.THIRD_PARTY))
    form = ThirdPartyRequestForm(request.POST or None, instruments=instruments)
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
        form = ThirdPartyRequestForm(instruments=instruments)
    return render(
        request,
        "assessments/workspace/third_party_new.html",
        {
            "form": form,
            "trainee": trainee,
            "link": link,
            "instruments": instruments,
            **(link_share_context(link, trainee_name=trainee.printed_name) if link else {}),
        },
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
    link = third_party_link(token, language=language)
    return render(
        request,
        "assessments/workspace/third_party_resent.html",
        {
            "trainee": trainee,
            "tp_request": tp_request,
            "link": link,
            **link_share_context(link, trainee_name=trainee.printed_name),
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
    if request.method == "POST" and "save_draft" in request.POST:
        try:
            third_party_draft_save(token=token, answers=request.POST.dict())
        except LinkRefused as refused:
            return render(
                request,
                "assessments/workspace/third_party_refused.html",
                {"reason": refused.reason},
                status=410,
            )
        messages.success(
            request,
            _(
                "Your answers are saved. Open the same link again to finish and send the "
                "report; nothing is sent to the assessor until then."
            ),
        )
        return redirect(request.path)
    # A saved draft fills the page again (it is never evidence until sent).
    draft = tp_request.draft or {}
    form = ThirdPartyHeaderForm(
        request.POST or None,
        initial={"supervisor_name": tp_request.supervisor_name, **draft},
    )
    instrument = tp_request.instrument if tp_request.instrument_id else None
    if instrument is not None:
        # The request's prompts: one plain-language row per criterion (its text and what
        # satisfactory looks like), never indicator codes.
        results = CriterionResultsForm(
            request.POST or None, criteria=instrument_criteria(instrument), initial=draft
        )
    else:
        indicators = unit_indicators(tp_request.unit)
        results = ItemResultsForm(
            request.POST or None, keys=[ind.pk for ind in indicators], initial=draft
        )

    def answers() -> dict:
        if instrument is not None:
            return {"criteria": [CriterionReport(*judged) for judged in results.judged()]}
        return {
            "reports": [
                IndicatorReport(ind, results.result(ind.pk), results.comment(ind.pk))
                for ind in indicators
            ]
        }

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
                **answers(),
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
    if instrument is not None:
        rows = results.rows()
        choices = SUPERVISOR_RESULTS
    else:
        rows = [{"indicator": ind, **results.shown(ind.pk)} for ind in indicators]
        choices = ItemResult.choices
    return render(
        request,
        "assessments/workspace/third_party_form.html",
        {
            "form": form,
            "rows": rows,
            "results": choices,
            "tp_request": tp_request,
            "instrument": instrument,
        },
    )
