"""The assessor dashboard at /assess/: trainees in scope with status and needs, and the cohort
heat map (indicators × trainees). Assessors and admins only: trainers read progress in
their own screens, not assessment records."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from assessments.selectors.dashboard import Status, trainee_rows
from assessments.selectors.moderation import moderation_queue
from assessments.selectors.scope import (
    assessment_context,
    may_see_assessments,
    trainees_visible_to,
)
from content.selectors.instruments import instruments_waiting_count
from people import roles
from people.models import Cohort


@never_cache
def dashboard(request):
    user = request.user
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not may_see_assessments(user):
        raise PermissionDenied
    scope = trainees_visible_to(user)
    cohorts = list(
        Cohort.objects.filter(members__user__in=scope.values("pk")).distinct().order_by("code")
    )
    cohort = next((c for c in cohorts if c.code == request.GET.get("cohort")), None)
    trainees = scope.filter(profile__cohorts=cohort) if cohort else scope
    unit, course = assessment_context(None)
    indicators, rows = trainee_rows(trainees=trainees, unit=unit, course=course)
    counts = dict.fromkeys(Status.LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "assessments/workspace/dashboard.html",
        {
            "unit": unit,
            "course": course,
            "indicators": indicators,
            "rows": rows,
            "cohorts": cohorts,
            "cohort": cohort,
            "status_counts": [(Status.LABELS[k], k, v) for k, v in counts.items()],
            # The oral question bank is for anyone assessor_required lets in.
            "can_decide": roles.is_assessor(user),
            "is_admin": roles.is_admin(user),
            # Decisions of other assessors waiting for this assessor's moderation.
            "may_moderate": roles.may_decide(user),
            "moderation_count": moderation_queue(user).count() if roles.may_decide(user) else 0,
            "instruments_waiting": instruments_waiting_count(),
        },
    )
