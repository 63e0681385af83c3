"""Reads of assessment instruments: which are usable (live), which count as evidence
(their live revision validated by a second assessor), and each one's validation state as
the assessor's list shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet
from wagtail.models import WorkflowState

from content.models.instruments import AssessmentInstrument, InstrumentValidation

VALIDATED = "validated"
NOT_VALIDATED = "not_validated"
CHANGED = "changed"  # validated once, changed since: needs a new validation


def live_instruments(*, unit_id: int, kind: str | None = None) -> QuerySet[AssessmentInstrument]:
    """The unit's instruments as published (a draft or a change under review is not shown
    to anybody who assesses with it), with their criteria."""
    qs = AssessmentInstrument.objects.filter(unit_id=unit_id, live=True)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related("criteria__indicators", "criteria__competency_items").order_by(
        "kind", "title", "pk"
    )


def instrument_criteria(instrument: AssessmentInstrument) -> list:
    """The criteria of an instrument in its order, each with `shown` (the indicators of the
    instrument's unit it shows, in the unit's order) and `item_ids` (its K/S/E items).
    Criteria showing no indicator of the unit are left out: nothing could be recorded for
    them. Three queries."""
    criteria = []
    for criterion in instrument.criteria.prefetch_related(
        "indicators", "competency_items"
    ).order_by("sort_order", "pk"):
        criterion.shown = sorted(
            (i for i in criterion.indicators.all() if i.unit_id == instrument.unit_id),
            key=lambda i: (i.sort_order, i.pk),
        )
        criterion.item_ids = [item.pk for item in criterion.competency_items.all()]
        if criterion.shown:
            criteria.append(criterion)
    return criteria


def validated_instrument_ids(*, unit_id: int) -> set[int]:
    """The unit's live instruments whose live revision has a validation (one query)."""
    return set(
        AssessmentInstrument.objects.filter(
            unit_id=unit_id, live=True, validations__revision_id=F("live_revision_id")
        ).values_list("pk", flat=True)
    )


def validated_revision_ids(revision_ids) -> set[int]:
    """Which of these instrument revisions have been validated (one query)."""
    ids = {r for r in revision_ids if r}
    if not ids:
        return set()
    return set(
        InstrumentValidation.objects.filter(revision_id__in=ids).values_list(
            "revision_id", flat=True
        )
    )


@dataclass(frozen=True)
class ValidationState:
    state: str  # VALIDATED / NOT_VALIDATED / CHANGED
    current: InstrumentValidation | None  # the validation of the live revision
    previous: InstrumentValidation | None  # the latest validation of an earlier revision


def validation_states(
    instruments: list[AssessmentInstrument],
) -> dict[int, ValidationState]:
    """instrument id -> its validation state, for a list of instruments (one query)."""
    by_instrument: dict[int, list[InstrumentValidation]] = {}
    for v in InstrumentValidation.objects.filter(
        instrument__in=[i.pk for i in instruments]
    ).select_related("validated_by"):
        by_instrument.setdefault(v.instrument_id, []).append(v)
    states = {}
    for instrument in instruments:
        found = by_instrument.get(instrument.pk, [])
        current = next((v for v in found if v.revision_id == instrument.live_revision_id), None)
        previous = next((v for v in found if v.revision_id != instrument.live_revision_id), None)
        if current is not None:
            state = VALIDATED
        elif previous is not None:
            state = CHANGED
        else:
            state = NOT_VALIDATED
        states[instrument.pk] = ValidationState(state, current, previous)
    return states


def instrument_authors(instrument: AssessmentInstrument) -> set[int]:
    """Who wrote the live revision or submitted the instrument for review: a second
    assessor validates it, never one of them."""
    authors = {instrument.live_revision.user_id} if instrument.live_revision_id else set()
    authors |= set(
        WorkflowState.objects.filter(
            base_content_type_id=instrument.get_base_content_type().pk,
            object_id=str(instrument.pk),
        ).values_list("requested_by_id", flat=True)
    )
    return {a for a in authors if a}


def validation_history(instrument: AssessmentInstrument) -> list[InstrumentValidation]:
    """Every validation of the instrument, newest first, with who validated and whether it
    is of the live revision (`is_live` set on each)."""
    history = list(instrument.validations.select_related("validated_by__profile", "revision"))
    for v in history:
        v.is_live = v.revision_id == instrument.live_revision_id
    return history


def instruments_waiting_count() -> int:
    """Published instruments whose live revision has no validation yet (one query)."""
    return (
        AssessmentInstrument.objects.filter(live=True)
        .exclude(validations__revision_id=F("live_revision_id"))
        .count()
    )
