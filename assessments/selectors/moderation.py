"""Reads about moderation: the policy, which Competent decisions are sampled, what waits for a
second assessor, and each assessor's queue."""

import hashlib
import hmac

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.models.decisions import Decision
from assessments.models.moderation import Moderation, ModerationPolicy
from assessments.selectors.scope import decisions_visible_to, trainees_assessable_by
from people import roles


def moderation_policy() -> ModerationPolicy:
    return ModerationPolicy.load()


def moderation_sampled(*, trainee_id: int, unit_id: int, round_number: int, share: int) -> bool:
    """The stable sample: the same trainee, unit and round always give the same answer for a
    given share (keyed with SECRET_KEY, so nobody can predict which decisions are drawn)."""
    if share <= 0:
        return False
    if share >= 100:
        return True
    message = f"moderation:{trainee_id}:{unit_id}:{round_number}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % 100 < share


def moderation_required_for(
    *, assessor, trainee_id: int, unit_id: int, round_number: int, corrects: Decision | None
) -> bool:
    """Whether a Competent decision about to be recorded needs a second assessor: a correction
    of a decision that needed one does; an assessor's first N Competent decisions do; else the
    stable sample decides."""
    if corrects is not None and corrects.moderation_required:
        return True
    policy = moderation_policy()
    earlier = Decision.objects.filter(assessor=assessor, outcome=Decision.Outcome.COMPETENT).count()
    if earlier < policy.first_decisions_per_assessor:
        return True
    return moderation_sampled(
        trainee_id=trainee_id,
        unit_id=unit_id,
        round_number=round_number,
        share=policy.share_percent,
    )


def awaiting_moderation_q() -> Q:
    """Decisions whose certificate waits: moderation required and not confirmed (yet)."""
    confirmed = Moderation.objects.filter(
        decision=OuterRef("pk"), outcome=Moderation.Outcome.CONFIRMED
    )
    return Q(moderation_required=True) & ~Q(Exists(confirmed))


def decision_awaiting_moderation(decision: Decision) -> bool:
    if not decision.moderation_required:
        return False
    return not decision.moderations.filter(outcome=Moderation.Outcome.CONFIRMED).exists()


def decision_moderation(decision: Decision) -> Moderation | None:
    return decision.moderations.select_related("moderator__profile").first()


def moderation_queue(user) -> QuerySet[Decision]:
    """Decisions this assessor may moderate, oldest first: required, not yet moderated, not
    corrected since, of trainees in their scope, never their own."""
    if not roles.may_decide(user):
        return Decision.objects.none()
    return (
        Decision.objects.filter(
            moderation_required=True,
            moderations__isnull=True,
            corrections__isnull=True,
            trainee__in=trainees_assessable_by(user).values("pk"),
        )
        .exclude(assessor=user)
        .select_related("trainee__profile", "assessor__profile", "unit")
        .order_by("decided_at", "pk")
    )


def may_moderate(user, decision: Decision) -> bool:
    return moderation_queue(user).filter(pk=decision.pk).exists()


def moderation_decisions_visible_to(user) -> QuerySet[Decision]:
    """Decisions selected for moderation whose moderation page this user may open: those in
    their queue, and (read-only) every one they may otherwise see (admins: all)."""
    return (
        decisions_visible_to(user)
        .filter(moderation_required=True)
        .exclude(trainee=user)
        .select_related("course")
    )
