"""Publishing under review: on pages that have a workflow, only admins publish directly;
everyone else submits to the workflow, where a second person approves.

Trainers hold Wagtail's publish permission (people.services.roles_sync), which would let
them skip the review; these hooks close that door in the editor, the page action menu and
bulk actions. They are registered in content/wagtail_hooks.py."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Page


def must_use_workflow(user, page: Page | None) -> bool:
    if user.is_superuser or page is None:
        return False
    return page.get_workflow() is not None


def refuse_direct_publish(request, page):
    """`before_publish_page`."""
    if must_use_workflow(request.user, page):
        if page.live and page.live_revision_id is None:
            # The create view adds the page (live by default) before asking the hooks.
            type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        messages.error(
            request,
            _(
                "This page is published through review: submit it, and another trainer or an admin approves it."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def hide_publish_button(menu_items, request, context):
    """`construct_page_action_menu`."""
    page = (
        context.get("page")
        if context.get("page") and context["page"].pk
        else context.get("parent_page")
    )
    if must_use_workflow(request.user, page):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    """`before_bulk_action`."""
    if action_type != "publish" or request.user.is_superuser:
        return None
    if any(isinstance(obj, Page) and obj.get_workflow() is not None for obj in objects):
        messages.error(request, _("Pages under review cannot be published in bulk."))
        return redirect("wagtailadmin_home")
    return None
