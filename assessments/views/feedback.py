"""Recording customer feedback: on the unit's customer-feedback form (criterion by
criterion, as the form asks the customer) or, for feedback that came another way (a letter,
an online review), against the indicators it supports."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import CriterionResultsForm, CustomerFeedbackForm
from assessments.forms.feedback import FeedbackOnFormHeaderForm
from assessments.models.evidence import ItemResult
from assessments.selectors.scope import assessment_context, trainee_for_assessor_or_404
from assessments.services.feedback import CriterionResult, customer_feedback_record
from content.models.instruments import InstrumentKind
from content.selectors.instruments import (
    instrument_criteria,
    live_instruments,
    validation_states,
)
from core.views import REFUSALS_AND_DENIALS, run_service
from people.permissions import decider_required

FREE = "none"  # feedback not given on a form


@never_cache
@decider_required
def customer_feedback_new(request, trainee_id: int):
    trainee = trainee_for_assessor_or_404(request.user, trainee_id)
    unit, _course = assessment_context(trainee)
    if unit is None:
        raise Http404
    forms_ = list(live_instruments(unit_id=unit.pk, kind=InstrumentKind.CUSTOMER_FEEDBACK))
    chosen = request.POST.get("instrument") or request.GET.get("instrument") or ""
    instrument = next((f for f in forms_ if str(f.pk) == chosen), None)
    if forms_ and instrument is None and chosen != FREE:
        states = validation_states(forms_)
        return render(
            request,
            "assessments/workspace/feedback_choose.html",
            {"trainee": trainee, "forms": [(f, states[f.pk]) for f in forms_], "free": FREE},
        )
    if instrument is None:
        return _free_feedback(request, trainee, unit)
    return _feedback_on_form(request, trainee, unit, instrument)


def _free_feedback(request, trainee, unit):
    form = CustomerFeedbackForm(request.POST or None, request.FILES or None, unit=unit)
    record = run_service(
        form,
        lambda data: customer_feedback_record(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            source=data["source"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            indicators=list(data["indicators"]),
            upload=data.get("attachment"),
        ),
        refusals=REFUSALS_AND_DENIALS,
    )
    if record is not None:
        messages.success(request, _("Customer feedback recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/form.html",
        {
            "form": form,
            "trainee": trainee,
            "title": _("Record customer feedback"),
            "multipart": True,
        },
    )


def _feedback_on_form(request, trainee, unit, instrument):
    form = FeedbackOnFormHeaderForm(
        request.POST or None,
        request.FILES or None,
        initial={"occurred_on": timezone.localdate()},
    )
    results = CriterionResultsForm(request.POST or None, criteria=instrument_criteria(instrument))
    record = run_service(
        form,
        lambda data: customer_feedback_record(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            source=data["source"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            upload=data.get("attachment"),
            instrument=instrument,
            criteria=[CriterionResult(*row) for row in results.judged()],
        ),
        refusals=REFUSALS_AND_DENIALS,
    )
    if record is not None:
        messages.success(request, _("Customer feedback recorded."))
        return redirect("assessments:evidence", evidence_id=record.pk)
    return render(
        request,
        "assessments/workspace/feedback_form.html",
        {
            "form": form,
            "trainee": trainee,
            "instrument": instrument,
            "validation": validation_states([instrument])[instrument.pk],
            "rows": results.rows(),
            "results": ItemResult.choices,
        },
        status=400 if form.is_bound else 200,
    )
