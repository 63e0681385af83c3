"""A course whose mapping has gaps (content.selectors.mapping.course_mapping_gaps) is
published only once someone confirms the gaps by name: its editor warns (the reviewer sees
the same warning), publishing asks first, bulk publishing refuses it, and the confirmation
page posts to its own view. That view publishes only for those who may publish outside the
review (admins); everyone else's confirmation submits the course to the review workflow.

The hooks are registered in content/wagtail_hooks.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.admin import messages as wagtail_messages
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Page

from content.admin_views.review import must_use_workflow
from content.pages.course import CoursePage
from content.selectors.mapping import course_mapping_gaps

CONFIRM_GAPS_PARAM = "confirm_mapping_gaps"
COURSE_MATRIX_URL = "mapping_matrix:course"


def warn_course_gaps(request, page):
    """`before_edit_page`: a course's editor names its gaps, with a link to the matrix."""
    if request.method != "GET" or not isinstance(page.specific_deferred, CoursePage):
        return None
    course = page.specific
    gaps = course_mapping_gaps(course)
    if gaps:
        wagtail_messages.warning(
            request,
            _("This course's mapping has %(count)s gap(s): %(gaps)s")
            % {"count": len(gaps), "gaps": " ".join(gaps)},
            buttons=[
                wagtail_messages.button(
                    reverse(COURSE_MATRIX_URL, args=[course.pk]), _("Mapping matrix")
                )
            ],
        )
    return None


def confirm_course_gaps(request, page):
    """`before_publish_page`: a course with gaps is kept as a draft and the confirmation
    page answers instead, unless the request already carries the confirmation."""
    if not isinstance(page, CoursePage):
        return None
    if request.POST.get(CONFIRM_GAPS_PARAM) == "1":
        return None
    gaps = course_mapping_gaps(page)
    if not gaps:
        return None
    return TemplateResponse(
        request,
        "content/framework/admin/publish_confirm.html",
        {
            "page_title": _("Publish with mapping gaps?"),
            "header_icon": "warning",
            "course": page,
            "gaps": gaps,
            "confirm_param": CONFIRM_GAPS_PARAM,
            "matrix_url": reverse(COURSE_MATRIX_URL, args=[page.pk]) if page.pk else None,
        },
    )


def refuse_bulk_publish_with_gaps(request, action_type, objects, action_class_instance):
    """`before_bulk_action`: bulk publishing cannot ask for the confirmation, so courses
    with gaps go one by one."""
    if action_type != "publish":
        return None
    for obj in objects:
        course = obj.specific_deferred if isinstance(obj, Page) else obj
        if isinstance(course, CoursePage) and course_mapping_gaps(course):
            messages.error(
                request,
                _(
                    "Course “%(title)s” has mapping gaps; publish it from its edit page, where "
                    "you can confirm them."
                )
                % {"title": course.title},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
    return None


class CoursePublishWithGapsView(View):
    """Publish the latest revision of a course whose mapping has gaps, once the user has
    ticked the confirmation naming them; for those who may publish the course and are not
    held to the review (content.admin_views.review.must_use_workflow). Everyone else who
    may submit the course submits it to its workflow instead: the reviewer approves it,
    seeing the same gaps warning in the editor."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        course = get_object_or_404(CoursePage, pk=pk)
        perms = course.permissions_for_user(request.user)
        held_to_review = must_use_workflow(request.user, course)
        if not (perms.can_edit() if held_to_review else perms.can_publish()):
            raise PermissionDenied
        if request.POST.get(CONFIRM_GAPS_PARAM) != "1":
            messages.error(request, _("Tick the box to confirm publishing with mapping gaps."))
            return redirect("wagtailadmin_pages:edit", course.pk)
        if held_to_review:
            return self.submit(request, course, perms)
        revision = course.get_latest_revision()
        if revision is None:
            revision = course.save_revision(user=request.user)
        PublishPageRevisionAction(revision, user=request.user).execute()
        messages.success(
            request,
            _("Course “%(title)s” published despite its mapping gaps.") % {"title": course.title},
        )
        return redirect("wagtailadmin_pages:edit", course.pk)

    def submit(self, request, course: CoursePage, perms):
        """Submit the course's latest revision for review, as the editor's submit does."""
        if not perms.can_submit_for_moderation():
            messages.error(
                request,
                _("Course “%(title)s” is already in review or locked; it was not submitted.")
                % {"title": course.title},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
        if course.get_latest_revision() is None:
            course.save_revision(user=request.user)
        course.get_workflow().start(course, request.user)
        messages.success(
            request,
            _(
                "Course “%(title)s” has been submitted for review; the reviewer sees its "
                "mapping gaps before approving it."
            )
            % {"title": course.title},
        )
        return redirect("wagtailadmin_pages:edit", course.pk)


class CoursePublishWithGapsViewSet(ViewSet):
    """The confirmation's target; no menu item (the confirmation page links to it)."""

    def get_urlpatterns(self):
        view = self.construct_view(CoursePublishWithGapsView)
        return [path("<id:pk>/publish-with-gaps/", view, name="confirm")]


course_publish_gaps_viewset = CoursePublishWithGapsViewSet(
    "course_publish_gaps", url_prefix="framework/course"
)
