"""Admin: assign assessors to cohorts or stores, and remove assignments. Assessors and admins: the oral question bank."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.forms.evidence import AssignmentForm, OralQuestionForm
from assessments.models.assignments import AssessorAssignment
from assessments.models.questions import OralQuestion
from assessments.selectors.scope import assessment_context
from assessments.services.workspace import (
    assessor_assignment_create,
    assessor_assignment_remove,
    oral_question_create,
)
from core.views import run_service
from people import roles
from people.models import Cohort, Store, User
from people.permissions import admin_required, assessor_required


@never_cache
@admin_required
def assignments(request):
    form = AssignmentForm(
        request.POST or None,
        assessors=User.objects.filter(groups__name=roles.ASSESSOR, is_active=True).select_related(
            "profile"
        ),
        cohorts=Cohort.objects.all(),
        stores=Store.objects.all(),
    )
    if run_service(form, lambda data: assessor_assignment_create(admin=request.user, **data)):
        messages.success(request, _("Assignment saved."))
        return redirect("assessments:assignments")
    return render(
        request,
        "assessments/workspace/assignments.html",
        {
            "form": form,
            "assignments": AssessorAssignment.objects.select_related(
                "assessor__profile", "cohort", "store"
            ),
        },
    )


@never_cache
@admin_required
@require_POST
def assignment_remove(request, assignment_id: int):
    assessor_assignment_remove(admin=request.user, assignment_id=assignment_id)
    messages.success(request, _("Assignment removed."))
    return redirect("assessments:assignments")


@never_cache
@assessor_required
def oral_questions(request):
    unit, _course = assessment_context(None)
    if unit is None:
        raise Http404
    form = OralQuestionForm(request.POST or None, unit=unit)
    if run_service(form, lambda data: oral_question_create(author=request.user, unit=unit, **data)):
        messages.success(request, _("Question added."))
        return redirect("assessments:oral_questions")
    return render(
        request,
        "assessments/workspace/oral_questions.html",
        {
            "form": form,
            "unit": unit,
            "questions": OralQuestion.objects.filter(unit=unit)
            .select_related("indicator")
            .prefetch_related("competency_items"),
        },
    )
