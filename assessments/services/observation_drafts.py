"""Observation drafts on a phone: "new observation" resumes the assessor's open draft of the
same trainee, kind, context and script instead of starting another; a save names the
revision it was made on and is refused when the server has moved on (two phones, or a tab
left open offline), so nothing is overwritten unseen; an open draft can be discarded."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models.evidence import ObservationDraft
from assessments.selectors.checklist import observation_context_for
from assessments.selectors.observation_drafts import open_draft_matching
from assessments.services.evidence import observation_draft_start
from content.models.framework import CompetencyUnit
from content.models.instruments import AssessmentInstrument
from core.audit import audit_record
from people.models import User

MAX_FIELDS = 500
MAX_KEY = 80
MAX_VALUE = 4000


class DraftConflict(ValidationError):
    """The draft changed on the server since the revision the save was made on."""

    def __init__(self, draft: ObservationDraft):
        super().__init__(
            _("This draft was saved from another device or tab since you opened it."),
            code="stale",
        )
        self.draft = draft


@transaction.atomic
def observation_draft_resume_or_start(
    *,
    assessor: User,
    trainee: User,
    unit: CompetencyUnit,
    kind: str,
    context: str = "",
    instrument: AssessmentInstrument | None = None,
) -> tuple[ObservationDraft, bool]:
    """The assessor's open draft of this trainee, kind, context and script (resumed: True),
    or a new one (`observation_draft_start` checks scope, context and script)."""
    existing = open_draft_matching(
        assessor=assessor,
        trainee=trainee,
        unit=unit,
        kind=kind,
        context=observation_context_for(kind, context),
        instrument=instrument,
    )
    if existing is not None:
        return existing, True
    draft = observation_draft_start(
        assessor=assessor,
        trainee=trainee,
        unit=unit,
        kind=kind,
        context=context,
        instrument=instrument,
    )
    return draft, False


def _clean(data: dict) -> dict:
    return {str(k)[:MAX_KEY]: str(v)[:MAX_VALUE] for k, v in list(data.items())[:MAX_FIELDS]}


@transaction.atomic
def observation_draft_save(
    *, draft: ObservationDraft, assessor: User, data: dict, base_revision: int
) -> ObservationDraft:
    """Store the form as typed, made on `base_revision` (the revision the device last had
    from the server). Anything else is a conflict (DraftConflict carries the server's draft,
    for the page to show both); a saved draft gets the next revision."""
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(
            _("This observation has been submitted and is locked."), code="locked"
        )
    if base_revision != draft.revision:
        raise DraftConflict(draft)
    draft.data = _clean(data)
    draft.revision = draft.revision + 1
    draft.save(update_fields=["data", "revision", "updated_at"])
    return draft


@transaction.atomic
def observation_draft_discard(*, draft: ObservationDraft, assessor: User) -> None:
    """Delete an open draft and its attachments (files too, once the transaction commits).
    A submitted draft is evidence now and cannot be discarded."""
    draft = ObservationDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.assessor_id != assessor.pk:
        raise PermissionDenied
    if draft.locked:
        raise ValidationError(
            _("This observation has been submitted and is locked."), code="locked"
        )
    names = list(draft.attachments.values_list("file_name", flat=True))
    audit_record(
        actor=assessor,
        action="observation_draft.discarded",
        obj=draft,
        trainee=draft.trainee,
        summary=f"{draft.get_kind_display()} #{draft.pk}",
        data={"context": draft.context, "attachments": len(names)},
    )
    draft.delete()
    storage = storages["private"]
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
