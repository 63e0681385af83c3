"""Open observation drafts (not yet submitted): the one to resume, and those listed on a
trainee's page."""

from django.db.models import Count, QuerySet

from assessments.models.evidence import ObservationDraft


def open_drafts(*, assessor, trainee) -> QuerySet[ObservationDraft]:
    """The assessor's own open drafts about `trainee`, last saved first (one query)."""
    return (
        ObservationDraft.objects.filter(assessor=assessor, trainee=trainee, evidence__isnull=True)
        .select_related("instrument")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-updated_at", "-pk")
    )


def open_draft_matching(
    *, assessor, trainee, unit, kind: str, context: str, instrument
) -> ObservationDraft | None:
    """The draft "new observation" resumes: same trainee, unit, kind, context and script."""
    return (
        ObservationDraft.objects.select_for_update(of=("self",))
        .filter(
            assessor=assessor,
            trainee=trainee,
            unit=unit,
            kind=kind,
            context=context,
            instrument=instrument,
            evidence__isnull=True,
        )
        .order_by("-updated_at", "-pk")
        .first()
    )
