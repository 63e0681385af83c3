"""Validating an assessment instrument: a second assessor confirms that the live revision
is fit for use (each criterion shows the behaviour it names; the instructions are plain and
fair). Evidence gathered with an instrument counts only once the revision it was gathered
with has a validation; publishing a change therefore calls for a new one."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from content.models.instruments import AssessmentInstrument, InstrumentValidation
from content.selectors.instruments import instrument_authors
from core.audit import audit_record
from people import roles
from people.models import User


@transaction.atomic
def instrument_validate(
    *, instrument: AssessmentInstrument, validator: User, notes: str = "", confirmed: bool
) -> InstrumentValidation:
    """Record that `validator` validated the instrument's live revision. Refused to
    anybody who does not assess, to the revision's author or submitter, on a draft that was
    never published, and when the live revision is already validated."""
    instrument = AssessmentInstrument.objects.select_for_update().get(pk=instrument.pk)
    if not roles.may_decide(validator):
        raise PermissionDenied(_("Only an assessor can validate an instrument."))
    if not instrument.live or not instrument.live_revision_id:
        raise ValidationError(_("Only a published instrument can be validated."), code="draft")
    if validator.pk in instrument_authors(instrument):
        raise PermissionDenied(
            _("A second assessor validates an instrument: not the person who wrote it.")
        )
    if not confirmed:
        raise ValidationError(
            _("Confirm that you have checked every criterion against the unit."),
            code="confirm",
        )
    if InstrumentValidation.objects.filter(
        instrument=instrument, revision_id=instrument.live_revision_id
    ).exists():
        raise ValidationError(
            _("This version of the instrument has already been validated."), code="done"
        )
    validation = InstrumentValidation.objects.create(
        instrument=instrument,
        revision_id=instrument.live_revision_id,
        validated_by=validator,
        notes=notes.strip(),
    )
    audit_record(
        actor=validator,
        action="instrument.validated",
        obj=instrument,
        summary=f"{instrument.title} ({instrument.get_kind_display()})",
        data={"revision": instrument.live_revision_id, "validation": validation.pk},
    )
    return validation
