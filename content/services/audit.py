"""The audit trail of content changes: pages deleted, unpublished, moved, copied, retired or
brought back, and snippets deleted. Called by the Wagtail hooks and signals wired in
content/audit_hooks.py; the rows are core.audit's."""

import copy

from django.db import models, transaction
from wagtail.models import Page, PageLogEntry, Revision

from core.audit import audit_record
from core.models import AuditEntry
from people.models import User


def _page_data(page: Page) -> dict:
    return {"title": page.title, "id": page.pk, "path": page.url_path}


@transaction.atomic
def content_change_audit(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    object_id: int | str | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """One audit row for a page or snippet change: who, what (title, id and, for pages, the
    path) and the details in `data`. `object_id` names a snippet whose row is already gone
    (Django clears the id of a deleted instance)."""
    if isinstance(obj, Page):
        details = {**_page_data(obj), **(data or {})}
        summary = f"{obj.title} ({obj.url_path})"
    else:
        if obj.pk is None and object_id is not None:
            obj = copy.copy(obj)  # a deleted instance: name it by the id it had
            obj.pk = object_id
        details = {"title": str(obj), "id": obj.pk, "model": obj._meta.label_lower}
        details.update(data or {})
        summary = f"{obj._meta.verbose_name}: {obj}"
    return audit_record(actor=actor, action=action, obj=obj, summary=summary, data=details)


def page_moved_audit(*, actor: User | None, page: Page) -> AuditEntry:
    """A page moved: where from and where to (Wagtail's own log of the move names both)."""
    page = Page.objects.get(pk=page.pk)
    move = (
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.move")
        .order_by("-timestamp", "-pk")
        .first()
    )
    data = {"parent": page.get_parent().title if page.get_parent() else ""}
    if move is not None:
        data["from"] = move.data.get("source", {})
        data["to"] = move.data.get("destination", {})
    return content_change_audit(actor=actor, action="page.moved", obj=page, data=data)


def page_copied_audit(*, actor: User | None, page: Page, new_page: Page) -> AuditEntry:
    """A page copied; `page.copied_published` when the copy went live at once."""
    action = "page.copied_published" if new_page.live else "page.copied"
    return content_change_audit(
        actor=actor, action=action, obj=new_page, data={"copied_from": _page_data(page)}
    )


def _previous_publish(page: Page, revision: Revision) -> Revision | None:
    """The revision published before `revision` (Wagtail logs each publish with its revision;
    the log of the publish in progress is written after the page_published signal)."""
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish")
        .exclude(revision_id=revision.pk)
        .exclude(revision__isnull=True)
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry.revision if entry is not None else None


def page_retirement_audit(
    *, actor: User | None, page: Page, revision: Revision | None
) -> AuditEntry | None:
    """After a publish: if it changed whether a retirable page is retired, record
    `page.retired` or `page.unretired`, naming the publish (its revision and who wrote it)."""
    if revision is None or not hasattr(page, "retired"):
        return None
    before = _previous_publish(page, revision)
    was_retired = bool(before.content.get("retired", False)) if before is not None else False
    if bool(page.retired) == was_retired:
        return None
    return content_change_audit(
        actor=actor,
        action="page.retired" if page.retired else "page.unretired",
        obj=page,
        data={
            "revision": revision.pk,
            "previous_revision": before.pk if before is not None else None,
            "revision_author": revision.user.get_username() if revision.user else "",
        },
    )
