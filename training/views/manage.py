"""Trainers enrol cohorts and single trainees through these views (never through Wagtail's
user management, which would let them create superusers)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from content.pages.course import CoursePage
from people.permissions import trainer_required
from training.forms import CohortEnrolForm, TraineesEnrolForm
from training.selectors.learning import course_enrolment_rows
from training.services.enrolment import cohort_enrol, enrolment_create


def _course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@never_cache
@trainer_required
def course_list(request):
    courses = (
        CoursePage.objects.live()
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count(
                "enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True
            ),
        )
        .order_by("path")
    )
    return render(request, "training/manage/course_list.html", {"courses": courses})


def _render_course(request, course, cohort_form=None, trainees_form=None, status=200):
    return render(
        request,
        "training/manage/course_detail.html",
        {
            "course": course,
            "rows": course_enrolment_rows(course),
            "cohort_form": cohort_form or CohortEnrolForm(),
            "trainees_form": trainees_form or TraineesEnrolForm(course=course),
        },
        status=status,
    )


@never_cache
@trainer_required
def course_detail(request, course_id: int):
    return _render_course(request, _course(course_id))


@never_cache
@require_POST
@trainer_required
def enrol_cohort(request, course_id: int):
    course = _course(course_id)
    form = CohortEnrolForm(request.POST)
    if not form.is_valid():
        return _render_course(request, course, cohort_form=form, status=400)
    added = cohort_enrol(
        cohort=form.cleaned_data["cohort"], course=course, enrolled_by=request.user
    )
    messages.success(
        request,
        ngettext(
            "%(count)d trainee of %(cohort)s enrolled.",
            "%(count)d trainees of %(cohort)s enrolled.",
            added,
        )
        % {"count": added, "cohort": form.cleaned_data["cohort"]},
    )
    return redirect("training:manage_course", course_id=course.pk)


@never_cache
@require_POST
@trainer_required
def enrol_trainees(request, course_id: int):
    course = _course(course_id)
    form = TraineesEnrolForm(request.POST, course=course)
    if not form.is_valid():
        return _render_course(request, course, trainees_form=form, status=400)
    added = 0
    for trainee in form.cleaned_data["trainees"]:
        _enrolment, created = enrolment_create(
            trainee=trainee, course=course, enrolled_by=request.user
        )
        added += int(created)
    messages.success(
        request,
        ngettext("%(count)d trainee enrolled.", "%(count)d trainees enrolled.", added)
        % {"count": added},
    )
    return redirect("training:manage_course", course_id=course.pk)
