"""Writing the audit log. Called by every service that changes an assessment record."""

from django.db import models

from assessments.models.audit import AuditEntry
from people.models import User


def audit_record(
    *,
    actor: User | str | None,
    action: str,
    obj: models.Model | None,
    trainee: User | None = None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """`actor` is the user who acted, or a label for someone without an account (a
    third-party supervisor), or None for the system."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = f"{actor.printed_name} ({actor.username})"
        actor_obj = actor
    else:
        label = str(actor) if isinstance(actor, str) else ""
        actor_obj = None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=label[:200],
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        trainee=trainee,
        summary=summary,
        data=data or {},
    )
