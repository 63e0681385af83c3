"""Wagtail admin hooks that refuse, with a message, deletions the database would refuse.

A user, snippet or page that records refer to through on_delete=PROTECT cannot be deleted:
without these hooks Wagtail calls `delete()`, Django raises ProtectedError and the admin
answers 500. The hooks name what keeps the object, already on the confirmation page, and
run before anything is deleted. A user goes back to the account's edit page, where it can
be deactivated instead; a page that can be retired (it has a `retired` field: lessons,
quizzes, scenarios) is offered retirement, which is an edit published through review. They are registered in core/wagtail_hooks.py.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Page

from core.deletion import blockers_text, deletion_blockers


def _user_name(user) -> str:
    """The name people know (our User's printed name, when the model has one) and the
    username, which is what the user list shows."""
    username = user.get_username()
    name = getattr(user, "printed_name", "") or get_user_display_name(user)
    if not name or name == username:
        return username
    return _("%(name)s (%(username)s)") % {"name": name, "username": username}


def _user_refusal(user, blockers) -> str:
    return _(
        "User “%(user)s” cannot be deleted: records that must be kept refer to the account: "
        "%(records)s. Deactivate the account instead: untick “Active” on its edit page."
    ) % {"user": _user_name(user), "records": blockers_text(blockers)}


def _object_refusal(obj, blockers) -> str:
    return _(
        "“%(object)s” cannot be deleted: records that must be kept refer to it: %(records)s."
    ) % {"object": obj, "records": blockers_text(blockers)}


def _page_refusal(page, blockers) -> str:
    if hasattr(page.specific_class or type(page), "retired"):
        return _(
            "Page “%(page)s” cannot be deleted: records that must be kept refer to it: "
            "%(records)s. Retire it instead: tick “Retired” on its Settings tab and "
            "publish the change through review. Trainees who have not started it will no "
            "longer see it; existing records and evidence are kept."
        ) % {"page": page.get_admin_display_title(), "records": blockers_text(blockers)}
    return _(
        "Page “%(page)s” cannot be deleted: records that must be kept refer to it or to its "
        "subpages: %(records)s. Unpublish it instead."
    ) % {"page": page.get_admin_display_title(), "records": blockers_text(blockers)}


def _page_blockers(page):
    return deletion_blockers(page.get_descendants(inclusive=True))


def refuse_protected_user_delete(request, user):
    """`before_delete_user`: back to the account's edit page, where it can be deactivated."""
    blockers = deletion_blockers([user])
    if not blockers:
        return None
    messages.error(request, _user_refusal(user, blockers))
    return redirect("wagtailusers_users:edit", user.pk)


def _refuse(request, texts, next_url):
    """The confirmation page (GET) still renders, with the refusal above it, so Wagtail's
    list of usages stays in view; the deletion itself (POST) goes back to `next_url`."""
    for text in texts:
        messages.error(request, text)
    return redirect(next_url) if request.method == "POST" else None


def refuse_protected_snippet_delete(request, instances):
    """`before_delete_snippet` (single and bulk delete)."""
    refused = [(obj, blockers) for obj in instances if (blockers := deletion_blockers([obj]))]
    if not refused:
        return None
    return _refuse(
        request,
        [_object_refusal(obj, blockers) for obj, blockers in refused],
        type(refused[0][0]).snippet_viewset.get_url_name("list"),
    )


def refuse_protected_page_delete(request, page):
    """`before_delete_page`: the page and every subpage the deletion would take with it."""
    blockers = _page_blockers(page)
    if not blockers:
        return None
    return _refuse(
        request, [_page_refusal(page, blockers)], reverse("wagtailadmin_pages:edit", args=[page.pk])
    )


def refuse_protected_bulk_delete(request, action_type, objects, action):
    """`before_bulk_action`: bulk deletion of users and pages (snippets are refused earlier,
    by `before_delete_snippet`). Runs inside the action's transaction, before it deletes."""
    if action_type != "delete":
        return None
    refusals = []
    for obj in objects:
        if isinstance(obj, Page):
            blockers = _page_blockers(obj)
            if blockers:
                refusals.append(_page_refusal(obj, blockers))
        elif blockers := deletion_blockers([obj]):
            refuse = _user_refusal if isinstance(obj, get_user_model()) else _object_refusal
            refusals.append(refuse(obj, blockers))
    if not refusals:
        return None
    for text in refusals:
        messages.error(request, text)
    # Wagtail's listings always send ?next=; without it next_url is the action itself.
    return redirect(action.next_url if action.next_url != request.path else "wagtailadmin_home")
