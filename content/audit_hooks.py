"""The audit trail's wiring into Wagtail: hooks of the page and snippet admin (registered from
content/wagtail_hooks.py) and the page_published / page_unpublished signals (connected in
ContentConfig.ready()). Only wiring: the rows are content.services.audit's.

Signals carry no user; the admin runs every view inside Wagtail's LogContext, whose user is
the one who acted (None for scheduled publishing and management commands)."""

from wagtail.log_actions import get_active_log_context
from wagtail.models import Page

from content.services.audit import (
    content_change_audit,
    page_copied_audit,
    page_moved_audit,
    page_retirement_audit,
)


def _user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _log_user():
    user = get_active_log_context().user
    return user if user is not None and user.is_authenticated else None


def after_delete_page(request, page) -> None:
    content_change_audit(actor=_user(request), action="page.deleted", obj=page)


def after_move_page(request, page) -> None:
    page_moved_audit(actor=_user(request), page=page)


def after_copy_page(request, page, new_page) -> None:
    page_copied_audit(actor=_user(request), page=page, new_page=new_page)


def after_delete_snippet(request, instances) -> None:
    url_pk = request.resolver_match.kwargs.get("pk") if request.resolver_match else None
    for instance in instances:
        object_id = url_pk if len(instances) == 1 else None
        content_change_audit(
            actor=_user(request), action="snippet.deleted", obj=instance, object_id=object_id
        )


def after_bulk_action(request, action_type, objects, action_class_instance) -> None:
    """The page explorer's bulk delete and move (bulk unpublish sends page_unpublished;
    snippets' bulk delete runs after_delete_snippet)."""
    if not any(issubclass(model, Page) for model in action_class_instance.models):
        return
    for page in objects:
        if action_type == "delete":
            content_change_audit(actor=_user(request), action="page.deleted", obj=page)
        elif action_type == "move":
            page_moved_audit(actor=_user(request), page=page)


def page_unpublished(sender, instance, **kwargs) -> None:
    content_change_audit(actor=_log_user(), action="page.unpublished", obj=instance)


def page_published(sender, instance, revision=None, **kwargs) -> None:
    page_retirement_audit(actor=_log_user(), page=instance, revision=revision)
