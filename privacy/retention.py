"""What each record kind's rule selects and does, for the periodic job (every person) and
for an erasure request (one person). These functions write other apps' rows directly with
explicit queryset updates and deletes, because retention is the one place that crosses every
app; the service functions in privacy/services.py wrap them in a transaction, log the run
and write the audit entry.

Append-only rows (evidence, judgements, decisions, appeals, moderation, the audit log,
acknowledgements) are never updated or deleted: anonymising them means anonymising the
person they point to (ACCOUNT) and deleting the files they refer to; their existence stays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import (
    CharField,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest

from assessments.models import (
    Appeal,
    Certificate,
    Decision,
    EvidenceAttachment,
    EvidenceRecord,
    ObservationAttachment,
    ObservationDraft,
    ThirdPartyRequest,
)
from core.models import Delivery
from people import roles
from people.models import ExternalIdentity, Notification, Profile
from privacy.periods import add_months
from privacy.record_kinds import KINDS, RecordKind, RetentionAction
from training.models import LessonProgress, QuizAttempt, ScenarioRun

ANONYMISED_PREFIX = "anonymised-"
ANONYMISED_NAME = "已匿名 #"  # stored data, printed as is: "已匿名 #<user id>"
ANONYMISED_TEXT = "已匿名"


@dataclass
class Rule:
    kind: str
    months: int
    action: str


def rules_in_force() -> dict[str, Rule]:
    """The administrator's rules, with the default for a kind that has none."""
    from privacy.models import RetentionRule

    rules = {
        kind: Rule(kind, info.default_months, info.default_action) for kind, info in KINDS.items()
    }
    for row in RetentionRule.objects.all():
        if row.kind in rules:
            rules[row.kind] = Rule(row.kind, row.months, row.action)
    return rules


def _staff_q() -> Q:
    return Q(is_superuser=True) | Q(
        groups__name__in=[roles.TRAINER, roles.ASSESSOR, roles.TRAINING_MANAGER]
    )


def _last_activity():
    return Coalesce(F("last_login"), F("date_joined"))


def _users_with_anchor():
    """Users annotated with `training_anchor`: the later of their latest decision and their
    last sign-in (date joined if never)."""
    latest_decision = (
        Decision.objects.filter(trainee_id=OuterRef("pk"))
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    activity = _last_activity()
    return get_user_model().objects.annotate(
        activity=activity,
        training_anchor=Greatest(
            Coalesce(Subquery(latest_decision, output_field=DateTimeField()), activity), activity
        ),
    )


def _evidence_with_anchor():
    latest_decision = (
        Decision.objects.filter(trainee_id=OuterRef("trainee_id"), unit_id=OuterRef("unit_id"))
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    return EvidenceRecord.objects.annotate(
        anchor=Coalesce(Subquery(latest_decision, output_field=DateTimeField()), F("recorded_at"))
    )


# ---- what is held and until when, for one person (the erasure page) ----------------------


@dataclass
class KindPlan:
    kind: str
    label: str
    action: str  # what erasing now does: purge / anonymise / keep
    erasable: int = 0
    kept: int = 0
    keep_until: datetime | None = None
    reason: str = ""
    anchor: str = ""
    months: int = 0
    notes: list[str] = field(default_factory=list)


def _until(anchors, months: int) -> datetime | None:
    anchors = [a for a in anchors if a is not None]
    return add_months(max(anchors), months) if anchors else None


def person_holds(user, *, now: datetime, rules: dict[str, Rule]) -> dict[str, datetime | None]:
    """Until when the kinds with a legal minimum must keep this person's records."""
    decided = list(Decision.objects.filter(trainee_id=user.pk).values_list("decided_at", flat=True))
    evidence = list(
        _evidence_with_anchor().filter(trainee_id=user.pk).values_list("anchor", flat=True)
    )
    anchor = _users_with_anchor().filter(pk=user.pk).values_list("training_anchor", flat=True)
    training_rows = (
        QuizAttempt.objects.filter(trainee_id=user.pk)
        .exclude(state=QuizAttempt.State.IN_PROGRESS)
        .exists()
        or ScenarioRun.objects.filter(trainee_id=user.pk).exists()
    )
    return {
        RecordKind.DECISIONS: _until(decided, rules[RecordKind.DECISIONS].months),
        RecordKind.EVIDENCE: _until(evidence, rules[RecordKind.EVIDENCE].months),
        RecordKind.TRAINING: (
            _until(list(anchor), rules[RecordKind.TRAINING].months) if training_rows else None
        ),
    }


def _counts_for(user) -> dict[str, int]:
    email = user.email
    return {
        RecordKind.NOTIFICATIONS: Notification.objects.filter(user_id=user.pk).count(),
        RecordKind.EMAIL: Delivery.objects.filter(recipient__iexact=email).count() if email else 0,
        RecordKind.DRAFTS: QuizAttempt.objects.filter(
            trainee_id=user.pk, state=QuizAttempt.State.IN_PROGRESS
        ).count()
        + ObservationDraft.objects.filter(trainee_id=user.pk, evidence__isnull=True).count(),
        RecordKind.LESSON_PROGRESS: LessonProgress.objects.filter(trainee_id=user.pk).count(),
        RecordKind.TRAINING: QuizAttempt.objects.filter(trainee_id=user.pk)
        .exclude(state=QuizAttempt.State.IN_PROGRESS)
        .count()
        + ScenarioRun.objects.filter(trainee_id=user.pk).count(),
        RecordKind.EVIDENCE: EvidenceRecord.objects.filter(trainee_id=user.pk).count(),
        RecordKind.DECISIONS: Decision.objects.filter(trainee_id=user.pk).count()
        + Appeal.objects.filter(trainee_id=user.pk).count(),
        RecordKind.CERTIFICATES: Certificate.objects.filter(trainee_id=user.pk).count(),
        RecordKind.ACCOUNT: 0 if is_anonymised(user) else 1,
    }


def is_anonymised(user) -> bool:
    return user.username.startswith(ANONYMISED_PREFIX)


def erasure_plan(user, *, now: datetime) -> list[KindPlan]:
    """Per kind: how many of the person's records can be erased now, how many must be kept,
    until when and why."""
    rules = rules_in_force()
    holds = person_holds(user, now=now, rules=rules)
    counts = _counts_for(user)
    plan = []
    for kind, info in KINDS.items():
        rule = rules[kind]
        item = KindPlan(
            kind=kind,
            label=str(RecordKind(kind).label),
            action=RetentionAction.PURGE,
            reason=str(info.reason),
            anchor=str(info.anchor),
            months=rule.months,
        )
        count = counts[kind]
        if kind == RecordKind.CERTIFICATES:
            item.action = RetentionAction.KEEP
            issued = list(
                Certificate.objects.filter(trainee_id=user.pk).values_list("issued_at", flat=True)
            )
            item.kept, item.keep_until = count, _until(issued, rule.months)
        elif kind in holds:
            item.action = (
                RetentionAction.PURGE if kind == RecordKind.TRAINING else RetentionAction.ANONYMISE
            )
            until = holds[kind]
            if until is not None and until > now:
                item.kept, item.keep_until = count, until
            else:
                item.erasable = count
        elif kind == RecordKind.ACCOUNT:
            item.action = RetentionAction.ANONYMISE
            identity_holds = (holds[RecordKind.DECISIONS], holds[RecordKind.EVIDENCE])
            until = max((u for u in identity_holds if u is not None), default=None)
            if until is not None and until > now:
                item.kept, item.keep_until = count, until
            else:
                item.erasable = count
        else:
            item.erasable = count
        plan.append(item)
    return plan


# ---- the actions ------------------------------------------------------------------------


def _delete_private_files(names) -> int:
    """Delete stored files after the transaction commits; returns how many exist now."""
    storage = storages["private"]
    names = [name for name in set(names) if name and storage.exists(name)]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(names)


def purge_notifications(qs) -> int:
    return qs.delete()[1].get(Notification._meta.label, 0)


def purge_deliveries(qs) -> int:
    return qs.delete()[1].get(Delivery._meta.label, 0)


def purge_drafts(quiz_qs, draft_qs) -> int:
    files = list(
        ObservationAttachment.objects.filter(draft__in=draft_qs).values_list("file_name", flat=True)
    )
    count = quiz_qs.delete()[1].get(QuizAttempt._meta.label, 0)
    count += draft_qs.delete()[1].get(ObservationDraft._meta.label, 0)
    _delete_private_files(files)
    return count


def purge_training(user_ids) -> int:
    attempts = QuizAttempt.objects.filter(trainee_id__in=user_ids).exclude(
        state=QuizAttempt.State.IN_PROGRESS
    )
    count = attempts.delete()[1].get(QuizAttempt._meta.label, 0)
    count += (
        ScenarioRun.objects.filter(trainee_id__in=user_ids)
        .delete()[1]
        .get(ScenarioRun._meta.label, 0)
    )
    return count


def anonymise_evidence(evidence_ids) -> int:
    """Uploaded files of the evidence are deleted (the rows and their SHA-256 stay); the
    supervisor's name, e-mail and draft on third-party requests are replaced."""
    files = list(
        EvidenceAttachment.objects.filter(evidence_id__in=evidence_ids).values_list(
            "file_name", flat=True
        )
    )
    files += list(
        EvidenceRecord.objects.filter(pk__in=evidence_ids)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    count = _delete_private_files(files)
    count += (
        ThirdPartyRequest.objects.filter(evidence_id__in=evidence_ids)
        .exclude(supervisor_name=ANONYMISED_TEXT)
        .update(supervisor_name=ANONYMISED_TEXT, supervisor_email="", draft={})
    )
    return count


def anonymise_accounts(user_ids) -> int:
    """Replace the personal fields of the accounts; the rows stay, so every record that
    points at the person still exists, now under "已匿名 #<id>"."""
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .exclude(username__startswith=ANONYMISED_PREFIX)
    )
    ids = list(users.values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(user_id__in=ids).delete()
    emails = [e for e in users.values_list("email", flat=True) if e]
    for email in emails:
        Delivery.objects.filter(recipient__iexact=email).delete()
    ExternalIdentity.objects.filter(user_id__in=ids).delete()
    ThirdPartyRequest.objects.filter(trainee_id__in=ids).exclude(
        supervisor_name=ANONYMISED_TEXT
    ).update(supervisor_name=ANONYMISED_TEXT, supervisor_email="", draft={})
    Profile.objects.filter(user_id__in=ids).update(
        full_name=Concat(Value(ANONYMISED_NAME), Cast("user_id", CharField())),
        employee_number="",
        notification_email_off=[],
    )
    get_user_model().objects.filter(pk__in=ids).update(
        username=Concat(Value(ANONYMISED_PREFIX), Cast("pk", CharField())),
        email="",
        first_name="",
        last_name="",
        password=make_password(None),
        is_active=False,
    )
    return len(ids)


# ---- the periodic job: every person ------------------------------------------------------


def apply_rules(*, now: datetime, dry_run: bool) -> dict[str, int]:
    """Counts per kind of what the rules select (and, unless dry_run, act on)."""
    rules = rules_in_force()
    counts: dict[str, int] = {}

    def cutoff(kind: str) -> datetime:
        return add_months(now, -rules[kind].months)

    def acts(kind: str) -> bool:
        return rules[kind].action != RetentionAction.KEEP

    # Notifications, e-mail, drafts: by their own date.
    kind = RecordKind.NOTIFICATIONS
    qs = Notification.objects.filter(created_at__lt=cutoff(kind))
    counts[kind] = qs.count() if dry_run or not acts(kind) else purge_notifications(qs)
    kind = RecordKind.EMAIL
    qs = Delivery.objects.filter(created_at__lt=cutoff(kind)).exclude(status=Delivery.Status.QUEUED)
    counts[kind] = qs.count() if dry_run or not acts(kind) else purge_deliveries(qs)
    kind = RecordKind.DRAFTS
    quiz_qs = QuizAttempt.objects.filter(
        state=QuizAttempt.State.IN_PROGRESS, started_at__lt=cutoff(kind)
    )
    draft_qs = ObservationDraft.objects.filter(evidence__isnull=True, updated_at__lt=cutoff(kind))
    if dry_run or not acts(kind):
        counts[kind] = quiz_qs.count() + draft_qs.count()
    else:
        counts[kind] = purge_drafts(quiz_qs, draft_qs)

    # Lesson progress of accounts inactive for the period.
    kind = RecordKind.LESSON_PROGRESS
    inactive = (
        get_user_model()
        .objects.annotate(activity=_last_activity())
        .filter(activity__lt=cutoff(kind))
        .values("pk")
    )
    qs = LessonProgress.objects.filter(trainee_id__in=inactive)
    if dry_run or not acts(kind):
        counts[kind] = qs.count()
    else:
        counts[kind] = qs.delete()[1].get(LessonProgress._meta.label, 0)

    # Training records: after the later of the latest decision and the last sign-in.
    kind = RecordKind.TRAINING
    due_users = list(
        _users_with_anchor().filter(training_anchor__lt=cutoff(kind)).values_list("pk", flat=True)
    )
    attempts = QuizAttempt.objects.filter(trainee_id__in=due_users).exclude(
        state=QuizAttempt.State.IN_PROGRESS
    )
    runs = ScenarioRun.objects.filter(trainee_id__in=due_users)
    if dry_run or not acts(kind):
        counts[kind] = attempts.count() + runs.count()
    else:
        counts[kind] = purge_training(due_users)

    # Evidence: after the latest decision on the unit.
    kind = RecordKind.EVIDENCE
    evidence_ids = list(
        _evidence_with_anchor().filter(anchor__lt=cutoff(kind)).values_list("pk", flat=True)
    )
    if dry_run or not acts(kind):
        counts[kind] = len(evidence_ids)
    else:
        counts[kind] = anonymise_evidence(evidence_ids)

    # Decisions: append-only, nothing on the row to change; the period gates ACCOUNT.
    counts[RecordKind.DECISIONS] = 0
    counts[RecordKind.CERTIFICATES] = 0

    # Accounts: inactive for the period, no staff role, nothing of theirs still held.
    kind = RecordKind.ACCOUNT
    held = set(
        Decision.objects.filter(
            decided_at__gte=add_months(now, -rules[RecordKind.DECISIONS].months)
        ).values_list("trainee_id", flat=True)
    )
    held |= set(
        _evidence_with_anchor()
        .filter(anchor__gte=add_months(now, -rules[RecordKind.EVIDENCE].months))
        .values_list("trainee_id", flat=True)
    )
    candidates = (
        get_user_model()
        .objects.annotate(activity=_last_activity())
        .filter(activity__lt=cutoff(kind))
        .exclude(username__startswith=ANONYMISED_PREFIX)
        .exclude(pk__in=get_user_model().objects.filter(_staff_q()).values("pk"))
        .values_list("pk", flat=True)
    )
    due = [pk for pk in candidates if pk not in held]
    if dry_run or not acts(kind):
        counts[kind] = len(due)
    else:
        counts[kind] = anonymise_accounts(due)
    return counts


def erase_person(user, *, now: datetime) -> dict[str, int]:
    """What the erasure request does for one person: everything the plan says is erasable
    now. Returns counts per kind."""
    plan = {item.kind: item for item in erasure_plan(user, now=now)}
    counts = dict.fromkeys(KINDS, 0)
    counts[RecordKind.NOTIFICATIONS] = purge_notifications(
        Notification.objects.filter(user_id=user.pk)
    )
    if user.email:
        counts[RecordKind.EMAIL] = purge_deliveries(
            Delivery.objects.filter(recipient__iexact=user.email)
        )
    counts[RecordKind.DRAFTS] = purge_drafts(
        QuizAttempt.objects.filter(trainee_id=user.pk, state=QuizAttempt.State.IN_PROGRESS),
        ObservationDraft.objects.filter(trainee_id=user.pk, evidence__isnull=True),
    )
    counts[RecordKind.LESSON_PROGRESS] = (
        LessonProgress.objects.filter(trainee_id=user.pk)
        .delete()[1]
        .get(LessonProgress._meta.label, 0)
    )
    if plan[RecordKind.TRAINING].erasable:
        counts[RecordKind.TRAINING] = purge_training([user.pk])
    if plan[RecordKind.EVIDENCE].erasable:
        ids = list(EvidenceRecord.objects.filter(trainee_id=user.pk).values_list("pk", flat=True))
        counts[RecordKind.EVIDENCE] = anonymise_evidence(ids)
    if plan[RecordKind.ACCOUNT].erasable:
        counts[RecordKind.ACCOUNT] = anonymise_accounts([user.pk])
    return counts
