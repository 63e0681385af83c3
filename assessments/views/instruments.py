"""Validating assessment instruments: the list at /assess/instruments/ (what waits for a
second assessor first) and one instrument's page with its criteria, its validation history
and, for an assessor who did not write it, the form that validates its live revision.
Admins read; only assessors validate."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assessments.selectors.scope import may_see_assessments
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.selectors.instruments import (
    CHANGED,
    NOT_VALIDATED,
    VALIDATED,
    instrument_authors,
    validation_history,
    validation_states,
)
from content.services.instruments import instrument_validate
from core.views import run_service
from people import roles
from people.permissions import role_required

assessment_staff_required = role_required(may_see_assessments)
STATE_ORDER = {NOT_VALIDATED: 0, CHANGED: 1, VALIDATED: 2}


class ValidationForm(forms.Form):
    confirmed = forms.BooleanField(
        label=gettext_lazy(
            "I have checked every criterion against the unit: it shows the behaviour of the "
            "indicators it is mapped to, the instructions are plain and fair, and together the "
            "criteria are enough for a judgement."
        ),
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes (what you checked, what the author should know)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


@never_cache
@assessment_staff_required
def instrument_list(request):
    instruments = list(
        AssessmentInstrument.objects.filter(live=True)
        .select_related("unit")
        .order_by("unit__code", "kind", "title", "pk")
    )
    states = validation_states(instruments)
    rows = sorted(
        ((i, states[i.pk]) for i in instruments),
        key=lambda pair: (STATE_ORDER[pair[1].state], pair[0].unit.code, pair[0].title),
    )
    waiting = sum(1 for _i, state in rows if state.state != VALIDATED)
    return render(
        request,
        "assessments/workspace/instruments.html",
        {"rows": rows, "waiting": waiting, "kinds": InstrumentKind.choices},
    )


@never_cache
@assessment_staff_required
def instrument_detail(request, instrument_id: int):
    instrument = get_object_or_404(
        AssessmentInstrument.objects.filter(live=True).select_related("unit"), pk=instrument_id
    )
    state = validation_states([instrument])[instrument.pk]
    own = request.user.pk in instrument_authors(instrument)
    may_validate = roles.may_decide(request.user) and not own and state.state != VALIDATED
    if request.method == "POST" and not may_validate:
        raise PermissionDenied(_("You may not validate this instrument."))
    form = ValidationForm(request.POST or None) if may_validate else None
    if form is not None and run_service(
        form,
        lambda data: instrument_validate(
            instrument=instrument,
            validator=request.user,
            notes=data["notes"],
            confirmed=data["confirmed"],
        ),
        refusals=(ValidationError,),
    ):
        messages.success(
            request, _("Validated: evidence gathered with this version of the instrument counts.")
        )
        return redirect("assessments:instrument_detail", instrument.pk)
    criteria = list(
        instrument.criteria.prefetch_related("indicators", "competency_items").order_by(
            "sort_order", "pk"
        )
    )
    return render(
        request,
        "assessments/workspace/instrument.html",
        {
            "instrument": instrument,
            "criteria": criteria,
            "state": state,
            "history": validation_history(instrument),
            "form": form,
            "own": own,
        },
        status=400 if form is not None and form.is_bound else 200,
    )
