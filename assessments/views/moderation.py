"""Moderation by a second assessor: the queue at /assess/moderation/ and one decision's page,
where an assessor in scope (never the one who decided) confirms it or not. Admins read the
page; they do not moderate."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assessments.models.moderation import Moderation
from assessments.selectors.evidence import evidence_for_trainee
from assessments.selectors.moderation import (
    decision_moderation,
    may_moderate,
    moderation_decisions_visible_to,
    moderation_queue,
)
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import may_see_assessments
from assessments.services.moderation import moderation_record
from core.views import run_service
from people.permissions import role_required

assessment_staff_required = role_required(may_see_assessments)


class ModerationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Moderation"),
        choices=Moderation.Outcome.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons (required when not confirmed)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


@never_cache
@assessment_staff_required
def moderation_list(request):
    return render(
        request,
        "assessments/workspace/moderation_queue.html",
        {"decisions": moderation_queue(request.user)[:200]},
    )


@never_cache
@assessment_staff_required
def moderation_detail(request, decision_id: int):
    decision = get_object_or_404(moderation_decisions_visible_to(request.user), pk=decision_id)
    allowed = may_moderate(request.user, decision)
    if request.method == "POST" and not allowed:
        raise PermissionDenied(_("You may not moderate this decision."))
    form = ModerationForm(request.POST or None) if allowed else None
    if form is not None and run_service(
        form,
        lambda data: moderation_record(
            moderator=request.user,
            decision=decision,
            outcome=data["outcome"],
            reasons=data["reasons"],
        ),
        refusals=(ValidationError,),
    ):
        messages.success(request, _("Moderation recorded."))
        return redirect("assessments:moderation_queue")
    trainee, unit = decision.trainee, decision.unit
    return render(
        request,
        "assessments/workspace/moderation.html",
        {
            "decision": decision,
            "trainee": trainee,
            "unit": unit,
            "moderation": decision_moderation(decision),
            "profile": competency_profile(trainee=trainee, unit=unit, course=decision.course),
            "evidence": evidence_for_trainee(trainee=trainee, unit=unit),
            "form": form,
            "own_decision": decision.assessor_id == request.user.pk,
        },
        status=400 if form is not None and form.is_bound else 200,
    )
