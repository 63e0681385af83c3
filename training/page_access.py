"""Only enrolled trainees open a course's pages (course, modules, lessons, quizzes,
scenarios). Trainers, assessors and admins may look at any of them. Everyone else gets a
page that explains how to enrol, with a self-enrol button when the course allows it.
Pages with personal progress are never cached by browsers or proxies. A retired activity
(content/pages/retirement.py) opens only for trainees who started it, and for those who may
preview; other trainees are told it was retired (410).

The hooks are registered in training/wagtail_hooks.py."""

from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from content.pages.retirement import is_retired
from people import roles
from training.completion import activity_started
from training.selectors.learning import course_and_enrolment, may_preview


def learning_access(request, page):
    """(course, enrolment) for this request and page, computed once per request."""
    cached = getattr(request, "_learning_access", None)
    if cached is not None and cached[0] == page.pk:
        return cached[1], cached[2]
    course, enrolment = course_and_enrolment(request.user, page)
    request._learning_access = (page.pk, course, enrolment)
    return course, enrolment


def require_enrolment(page, request, serve_args, serve_kwargs):
    """`before_serve_page`."""
    course, enrolment = learning_access(request, page)
    if course is None:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if enrolment is not None:
        if (
            is_retired(page)
            and not may_preview(request.user)
            and not activity_started(trainee_id=request.user.pk, page=page, course=course)
        ):
            return _never_cached(
                TemplateResponse(
                    request,
                    "training/retired.html",
                    {"page": page, "course": course},
                    status=410,
                )
            )
        return None
    if may_preview(request.user):
        return None
    response = TemplateResponse(
        request,
        "training/enrolment/not_enrolled.html",
        {
            "course": course,
            "can_self_enrol": course.allow_self_enrolment and roles.is_trainee(request.user),
        },
        status=403,
    )
    return _never_cached(response)


def _never_cached(response):
    add_never_cache_headers(response)
    return response


def personal_pages_not_cached(next_serve):
    """`on_serve_page`."""

    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        course, _enrolment = learning_access(request, page)
        if course is not None:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return serve
