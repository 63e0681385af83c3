"""Recording a decision (assessors only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import DecisionForm
from assessments.selectors.decisions import current_decision
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import (
    assessment_context,
    trainees_assessable_by,
    trainees_under_review_by,
)
from assessments.services.decisions import DecisionRefused, decision_record
from core.views import run_service
from people.models import User
from people.permissions import decider_required


@never_cache
@decider_required
def decision_new(request, trainee_id: int):
    # Assessors in scope, and the current reviewer of an appeal (who may only correct).
    trainee = get_object_or_404(
        User.objects.filter(
            Q(pk__in=trainees_assessable_by(request.user).values("pk"))
            | Q(pk__in=trainees_under_review_by(request.user).values("pk"))
        ),
        pk=trainee_id,
    )
    unit, course = assessment_context(trainee)
    if unit is None:
        raise Http404
    current = current_decision(trainee=trainee, unit=unit)
    form = DecisionForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    gaps = []

    def record(data: dict):
        corrects = current if data["correction_reason"].strip() and current else None
        return decision_record(
            assessor=request.user,
            trainee=trainee,
            unit=unit,
            course=course,
            outcome=data["outcome"],
            reasons=data["reasons"],
            assessed_on=data["assessed_on"],
            feedback=data["feedback"],
            reassessment_on=data["reassessment_on"],
            corrects=corrects,
            correction_reason=data["correction_reason"] if corrects else "",
        )

    def describe(refused: Exception) -> str:
        if isinstance(refused, PermissionDenied):
            return str(refused) or _("Only an assessor assigned to this trainee may decide.")
        gaps.extend(refused.gaps)
        if gaps:  # listed beside the profile
            return _("Competent cannot be recorded while the profile has gaps.")
        return refused.messages[0]

    if run_service(form, record, refusals=(DecisionRefused, PermissionDenied), describe=describe):
        messages.success(request, _("Decision recorded."))
        return redirect("assessments:trainee", trainee_id=trainee.pk)
    profile = competency_profile(trainee=trainee, unit=unit, course=course)
    return render(
        request,
        "assessments/workspace/decide.html",
        {
            "form": form,
            "trainee": trainee,
            "unit": unit,
            "profile": profile,
            "gaps": gaps,
            "current": current,
        },
    )
