"""Assessment instruments for tests: published (a live revision, as if approved through the
two-person review) and, unless told otherwise, validated by a second assessor."""

import itertools

from content.models.instruments import (
    AssessmentInstrument,
    InstrumentCriterion,
    InstrumentKind,
    InstrumentValidation,
)
from tests.factories.people import make_assessor, make_trainer

_seq = itertools.count(1)


def make_instrument(
    unit,
    *,
    kind: str = InstrumentKind.PORTFOLIO,
    criteria=(),
    title: str | None = None,
    author=None,
    validated_by="auto",
    instructions: str = "請依說明完成並上傳。",
    script: str = "",
) -> AssessmentInstrument:
    """`criteria`: (text, [indicators], [competency items]) or (text, [indicators]). The
    live revision is written by `author` (a new trainer by default); `validated_by` is an
    assessor ("auto": a new one; None: not validated)."""
    author = author or make_trainer()
    instrument = AssessmentInstrument(
        unit=unit,
        kind=kind,
        title=title or f"評量工具 {next(_seq)}",
        instructions=instructions,
        script=script,
        live=True,
    )
    instrument.save()
    for n, spec in enumerate(criteria):
        text, indicators, *rest = spec
        criterion = InstrumentCriterion.objects.create(
            instrument=instrument, text=text, sort_order=n
        )
        criterion.indicators.set(indicators)
        if rest and rest[0]:
            criterion.competency_items.set(rest[0])
        criterion.save()
    instrument = AssessmentInstrument.objects.get(pk=instrument.pk)
    revision = instrument.save_revision(user=author)
    revision.publish(user=author, skip_permission_checks=True)
    instrument.refresh_from_db()
    if validated_by == "auto":
        validated_by = make_assessor()
    if validated_by is not None:
        InstrumentValidation.objects.create(
            instrument=instrument,
            revision_id=instrument.live_revision_id,
            validated_by=validated_by,
        )
    return instrument


def change_instrument(
    instrument: AssessmentInstrument, *, title: str, user=None
) -> AssessmentInstrument:
    """Publish a changed revision (as an approved edit would): its validation is gone."""
    instrument.title = title
    revision = instrument.save_revision(user=user or make_trainer())
    revision.publish(user=user, skip_permission_checks=True)
    instrument.refresh_from_db()
    return instrument
