"""Appeals: admins see all and assign a reviewer; a reviewer sees the appeals assigned to
them and records the outcome."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from assessments.forms.evidence import AppealAssignForm, AppealOutcomeForm
from assessments.models.appeals import Appeal
from assessments.selectors.decisions import appeal_status
from assessments.selectors.scope import current_appeal_assignments
from assessments.services.appeals import appeal_assign, appeal_outcome_record, current_reviewer_id
from people import roles
from people.models import User
from people.permissions import assessor_required


def _appeals_for(user):
    qs = Appeal.objects.select_related(
        "decision__assessor__profile", "trainee__profile"
    ).prefetch_related("assignments__reviewer__profile", "outcomes")
    if roles.is_admin(user):
        return qs
    # Access follows the current assignment: a replaced reviewer no longer sees the appeal.
    return qs.filter(pk__in=current_appeal_assignments().filter(reviewer=user).values("appeal"))


def _reviewers_for(appeal):
    return (
        User.objects.filter(groups__name=roles.ASSESSOR, is_active=True)
        .exclude(pk__in=[appeal.decision.assessor_id, appeal.trainee_id])
        .select_related("profile")
        .order_by("profile__full_name")
    )


@never_cache
@assessor_required
def appeals_list(request):
    appeals = list(_appeals_for(request.user))
    for a in appeals:
        a.status = appeal_status(a)
        assignments = sorted(a.assignments.all(), key=lambda x: (x.assigned_at, x.pk))
        a.reviewer = assignments[-1].reviewer if assignments else None
        a.outcome = next(iter(a.outcomes.all()), None)
    return render(
        request,
        "assessments/workspace/appeals.html",
        {"appeals": appeals, "is_admin": roles.is_admin(request.user)},
    )


@never_cache
@assessor_required
def appeal_detail(request, appeal_id: int):
    appeal = get_object_or_404(_appeals_for(request.user), pk=appeal_id)
    is_admin = roles.is_admin(request.user)
    is_reviewer = current_reviewer_id(appeal) == request.user.pk
    assign_form = (
        AppealAssignForm(
            request.POST if request.POST.get("action") == "assign" else None,
            reviewers=_reviewers_for(appeal),
        )
        if is_admin
        else None
    )
    outcome_form = (
        AppealOutcomeForm(request.POST if request.POST.get("action") == "outcome" else None)
        if is_reviewer
        else None
    )
    if request.method == "POST":
        try:
            if (
                request.POST.get("action") == "assign"
                and assign_form is not None
                and assign_form.is_valid()
            ):
                appeal_assign(
                    admin=request.user, appeal=appeal, reviewer=assign_form.cleaned_data["reviewer"]
                )
                messages.success(request, _("Reviewer assigned."))
                return redirect("assessments:appeal", appeal_id=appeal.pk)
            if (
                request.POST.get("action") == "outcome"
                and outcome_form is not None
                and outcome_form.is_valid()
            ):
                appeal_outcome_record(
                    reviewer=request.user, appeal=appeal, **outcome_form.cleaned_data
                )
                messages.success(request, _("Outcome recorded."))
                return redirect("assessments:appeal", appeal_id=appeal.pk)
            if request.POST.get("action") not in ("assign", "outcome") or (
                (request.POST.get("action") == "assign" and assign_form is None)
                or (request.POST.get("action") == "outcome" and outcome_form is None)
            ):
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "assessments/workspace/appeal.html",
        {
            "appeal": appeal,
            "status": appeal_status(appeal),
            "assign_form": assign_form,
            "outcome_form": outcome_form,
            "assignments": list(appeal.assignments.all()),
            "outcomes": list(appeal.outcomes.all()),
        },
    )
