"""Writing the audit log (core.models.AuditEntry). Called by the services of every app that
change a record the audit trail must show: assessments, certificates, marks, pages and
snippets, roles and assignments. Imports no app of ours: the actor is the user model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from core.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User  # settings.AUTH_USER_MODEL


def actor_label(user) -> str:
    """How the log names a user: the printed name and the username."""
    name = getattr(user, "printed_name", "") or user.get_full_name() or user.get_username()
    return f"{name} ({user.get_username()})"


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
        label = actor_label(actor)
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
