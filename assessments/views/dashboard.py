"""The assessor dashboard at /assess/: trainees in scope with status and needs, and the cohort
heat map (indicators × trainees). Assessors and admins only: trainers read progress in
their own screens, not assessment records. Filtered by cohort (?cohort=) and status
(?status=), a page at a time (?page=): those who need the assessor first."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from assessments.selectors.dashboard import Status
from assessments.selectors.dashboard import dashboard as dashboard_of
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
    status = request.GET.get("status")
    status = status if status in Status.LABELS else None
    board = dashboard_of(
        trainees=trainees, unit=unit, course=course, status=status, page=request.GET.get("page")
    )
    query = {"cohort": cohort.code} if cohort else {}
    return render(
        request,
        "assessments/workspace/dashboard.html",
        {
            "unit": unit,
            "course": course,
            "indicators": board.indicators,
            "rows": board.rows,
            "page_obj": board.page,
            "cohorts": cohorts,
            "cohort": cohort,
            "status": status,
            "status_label": Status.LABELS.get(status),
            "status_counts": board.status_counts,
            "total": sum(count for _label, _key, count in board.status_counts),
            "page_range": board.page.paginator.get_elided_page_range(board.page.number),
            # Links keep the cohort (and the status filter, for the pages).
            "filter_query": urlencode(query),
            "page_query": urlencode({**query, **({"status": status} if status else {})}),
            # The oral question bank is for anyone assessor_required lets in.
            "can_decide": roles.is_assessor(user),
            "is_admin": roles.is_admin(user),
            # Decisions of other assessors waiting for this assessor's moderation.
            "may_moderate": roles.may_decide(user),
            "moderation_count": moderation_queue(user).count() if roles.may_decide(user) else 0,
            "instruments_waiting": instruments_waiting_count(),
        },
    )
