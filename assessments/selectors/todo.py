"""An assessor's to-do list: everything waiting for them, only on trainees in their scope,
grouped by kind. One query per kind, whatever the number of items."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceKind, EvidenceRecord, ObservationDraft
from assessments.selectors.moderation import moderation_queue
from assessments.selectors.scope import (
    current_appeal_assignments,
    trainees_assessable_by,
    trainees_to_mark_for,
)
from content.models.instruments import AssessmentInstrument
from content.selectors.instruments import VALIDATED, validation_states
from people import roles
from training.selectors.quizzes import marking_queue

KINDS = (
    ("reassessment", _("Reassessments due")),
    ("draft", _("Open observation drafts")),
    ("marking", _("Written answers to mark")),
    ("appeal", _("Appeals to review")),
    ("moderation", _("Decisions waiting for moderation")),
    ("third_party", _("Third-party reports to judge")),
    ("instrument", _("Instruments waiting for validation")),
)


@dataclass
class TodoItem:
    kind: str
    what: str
    who: str
    on: datetime.date
    url: str
    due: bool  # `on` is a due date (else: waiting since)
    overdue: bool = False
    due_today: bool = False


@dataclass
class TodoGroup:
    kind: str
    label: str
    items: list[TodoItem] = field(default_factory=list)


def _name(user) -> str:
    return user.printed_name or user.get_username()


def _day(moment) -> datetime.date:
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def assessor_todo(*, assessor, today: datetime.date | None = None) -> list[TodoGroup]:
    """Every group in `KINDS` order (empty ones included), items oldest or most overdue first."""
    today = today or timezone.localdate()
    groups = {kind: TodoGroup(kind, label) for kind, label in KINDS}
    if not (roles.is_assessor(assessor) or roles.is_admin(assessor)):
        return list(groups.values())
    scope = trainees_assessable_by(assessor).values("pk")

    later = Decision.objects.filter(
        trainee=OuterRef("trainee"), unit=OuterRef("unit"), decided_at__gt=OuterRef("decided_at")
    )
    due = (
        Decision.objects.filter(
            reassessment_on__isnull=False, corrections__isnull=True, trainee__in=scope
        )
        .exclude(Exists(later))
        .select_related("trainee__profile", "unit")
        .order_by("reassessment_on", "pk")
    )
    for d in due:
        groups["reassessment"].items.append(
            TodoItem(
                "reassessment",
                f"{d.unit.code} {d.unit.title}",
                _name(d.trainee),
                d.reassessment_on,
                reverse("assessments:trainee", args=[d.trainee_id]),
                due=True,
                overdue=d.reassessment_on < today,
                due_today=d.reassessment_on == today,
            )
        )

    drafts = (
        ObservationDraft.objects.filter(assessor=assessor, evidence__isnull=True, trainee__in=scope)
        .select_related("trainee__profile")
        .order_by("updated_at", "pk")
    )
    for d in drafts:
        groups["draft"].items.append(
            TodoItem(
                "draft",
                str(d.get_kind_display()),
                _name(d.trainee),
                _day(d.updated_at),
                reverse("assessments:observation", args=[d.pk]),
                due=False,
            )
        )

    for r in marking_queue(marker=assessor, trainees=trainees_to_mark_for(assessor).values("pk")):
        groups["marking"].items.append(
            TodoItem(
                "marking",
                r.attempt.quiz.title,
                _name(r.attempt.trainee),
                _day(r.attempt.submitted_at),
                reverse("assessments:marking_mark", args=[r.pk]),
                due=False,
            )
        )

    appeals = (
        current_appeal_assignments()
        .filter(reviewer=assessor, appeal__outcomes__isnull=True)
        .select_related("appeal__trainee__profile", "appeal__decision__unit")
        .order_by("assigned_at", "pk")
    )
    for a in appeals:
        groups["appeal"].items.append(
            TodoItem(
                "appeal",
                a.appeal.decision.unit.code,
                _name(a.appeal.trainee),
                _day(a.assigned_at),
                reverse("assessments:appeal", args=[a.appeal_id]),
                due=False,
            )
        )

    for d in moderation_queue(assessor):
        groups["moderation"].items.append(
            TodoItem(
                "moderation",
                f"{d.unit.code} {d.unit.title}",
                _name(d.trainee),
                _day(d.decided_at),
                reverse("assessments:moderation_detail", args=[d.pk]),
                due=False,
            )
        )

    reports = (
        EvidenceRecord.objects.filter(
            kind=EvidenceKind.THIRD_PARTY,
            trainee__in=scope,
            judgements__isnull=True,
            corrections__isnull=True,
        )
        .select_related("trainee__profile", "unit")
        .order_by("recorded_at", "pk")
    )
    for r in reports:
        groups["third_party"].items.append(
            TodoItem(
                "third_party",
                r.third_party_name or str(r.unit.code),
                _name(r.trainee),
                _day(r.recorded_at),
                reverse("assessments:evidence", args=[r.pk]),
                due=False,
            )
        )

    if roles.is_assessor(assessor):
        # A second assessor validates what others wrote: not the live revision's author.
        live = list(
            AssessmentInstrument.objects.filter(live=True)
            .exclude(live_revision__user=assessor)
            .select_related("unit", "live_revision")
            .order_by("live_revision__created_at", "pk")
        )
        states = validation_states(live)
        for i in live:
            if states[i.pk].state == VALIDATED:
                continue
            groups["instrument"].items.append(
                TodoItem(
                    "instrument",
                    f"{i.unit.code} {i.title}",
                    str(i.get_kind_display()),
                    _day(i.live_revision.created_at if i.live_revision_id else None),
                    reverse("assessments:instrument_detail", args=[i.pk]),
                    due=False,
                )
            )
    return list(groups.values())


def todo_total(groups: list[TodoGroup]) -> int:
    return sum(len(g.items) for g in groups)
