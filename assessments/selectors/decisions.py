"""Reads about decisions and appeals."""

from assessments.models.appeals import Appeal, AppealOutcome
from assessments.models.decisions import Decision


def current_decision(*, trainee, unit) -> Decision | None:
    """The latest decision that no later decision corrects."""
    return (
        Decision.objects.filter(trainee=trainee, unit=unit, corrections__isnull=True)
        .order_by("-decided_at", "-pk")
        .first()
    )


def current_decisions(*, trainee_ids, unit) -> dict[int, Decision]:
    found: dict[int, Decision] = {}
    for d in Decision.objects.filter(
        trainee_id__in=list(trainee_ids), unit=unit, corrections__isnull=True
    ).order_by("trainee_id", "-decided_at", "-pk"):
        found.setdefault(d.trainee_id, d)
    return found


def open_appeal_trainee_ids(*, trainee_ids, unit) -> set[int]:
    return set(
        Appeal.objects.filter(
            trainee_id__in=list(trainee_ids), decision__unit=unit, outcomes__isnull=True
        ).values_list("trainee_id", flat=True)
    )


def appeal_status(appeal: Appeal) -> str:
    outcomes = list(appeal.outcomes.all())
    if outcomes:
        return "closed"
    if list(appeal.assignments.all()):
        return "under_review"
    return "lodged"


def latest_outcome(appeal: Appeal) -> AppealOutcome | None:
    outcomes = sorted(appeal.outcomes.all(), key=lambda o: (o.decided_at, o.pk), reverse=True)
    return outcomes[0] if outcomes else None
