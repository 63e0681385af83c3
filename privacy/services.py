"""Writes of the privacy app: acknowledging the notice, the periodic retention run, and an
administrator's erasure of one person's data. Each is atomic and audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.audit import actor_label, audit_record
from privacy.models import PrivacyAcknowledgement, RetentionRun
from privacy.notice import NOTICE_VERSION
from privacy.retention import apply_rules, erase_person
from privacy.selectors import has_acknowledged


@transaction.atomic
def acknowledgement_record(
    *, user, version: str = NOTICE_VERSION, at: datetime | None = None
) -> PrivacyAcknowledgement:
    """Record that `user` read and acknowledged the notice `version` (once per version)."""
    existing = PrivacyAcknowledgement.objects.filter(user_id=user.pk, version=version).first()
    if existing is not None:
        return existing
    ack = PrivacyAcknowledgement.objects.create(
        user=user, version=version, acknowledged_at=at or timezone.now()
    )
    audit_record(
        actor=user,
        action="privacy.notice_acknowledged",
        obj=ack,
        trainee=user,
        summary=f"Privacy notice {version} acknowledged",
        data={"version": version},
    )
    return ack


@transaction.atomic
def retention_apply(*, now: datetime, dry_run: bool) -> RetentionRun:
    """Apply every retention rule as of `now`; with dry_run, count only. Logged as a
    RetentionRun and in the audit log either way."""
    counts = {str(kind): count for kind, count in apply_rules(now=now, dry_run=dry_run).items()}
    run = RetentionRun.objects.create(
        started_at=timezone.now(),
        as_of=now,
        dry_run=dry_run,
        trigger=RetentionRun.Trigger.SCHEDULE,
        counts=counts,
        total=sum(counts.values()),
    )
    audit_record(
        actor=None,
        action="privacy.retention_dry_run" if dry_run else "privacy.retention_applied",
        obj=run,
        summary=f"Retention {'dry run' if dry_run else 'run'}: {run.total} records",
        data={"counts": counts, "as_of": now.isoformat(), "dry_run": dry_run},
    )
    return run


@transaction.atomic
def erasure_perform(*, user, actor, now: datetime | None = None) -> RetentionRun:
    """Erase or anonymise what of `user`'s data no rule still keeps; the rest stays until
    the date the erasure page shows."""
    now = now or timezone.now()
    counts = {str(kind): count for kind, count in erase_person(user, now=now).items()}
    run = RetentionRun.objects.create(
        started_at=timezone.now(),
        as_of=now,
        dry_run=False,
        trigger=RetentionRun.Trigger.ERASURE,
        subject=user,
        actor_label=actor_label(actor)[:200],
        counts=counts,
        total=sum(counts.values()),
    )
    audit_record(
        actor=actor,
        action="privacy.erasure",
        obj=run,
        trainee=user,
        summary=f"Erasure request: {run.total} records erased or anonymised",
        data={"counts": counts},
    )
    return run


__all__ = ["acknowledgement_record", "erasure_perform", "has_acknowledged", "retention_apply"]
