"""The observation checklist of a unit in one context: the observable behaviours trainers
wrote (ObservationItem) that can be seen there, grouped under their indicator.

The checklist holds behaviours only. An indicator is a heading (its title is shown, never
judged) and is offered only when at least one of its live items is observable in the
context, so a till observation has no T4.x row to mark. How an indicator is then judged
from its items is `indicator_result` below (the profile reads it through
assessments/selectors/evidence_gathering.py)."""

from collections.abc import Iterable
from dataclasses import dataclass

from assessments.models.evidence import EvidenceKind, ItemResult
from content.models.framework import Indicator
from content.models.observation import ObservationContext, ObservationItem
from content.selectors.instruments import instrument_criteria


@dataclass(frozen=True)
class ChecklistEntry:
    key: str  # "o<observation item id>", used as form field prefix
    indicator_id: int
    indicator_code: str
    observation_item_id: int | None
    label: str
    item_ids: tuple[int, ...] = ()
    indicator_text: str = ""
    # A criterion of a role-play script (key "c<criterion id>"): judged once, written as one
    # line per indicator it shows.
    criterion_id: int | None = None
    indicator_ids: tuple[int, ...] = ()
    indicator_codes: tuple[str, ...] = ()
    guidance: str = ""

    @classmethod
    def posted(cls, key: str) -> "ChecklistEntry":
        """An entry known only by the key a form posted (e.g. a row the page never showed):
        the service looks it up in the checklist and refuses it when it is not there."""
        return cls(key=key, indicator_id=0, indicator_code="", observation_item_id=None, label="")


def observation_context_for(kind: str, context: str | None) -> str:
    """The context an observation of `kind` is in: a role play always in the role play; a
    workplace observation in the workplace context given (blank when none or not one)."""
    if kind == EvidenceKind.ROLE_PLAY:
        return ObservationContext.ROLE_PLAY
    workplace = {value for value, _label in ObservationContext.workplace()}
    return context if context in workplace else ""


def script_checklist(instrument) -> list[ChecklistEntry]:
    """The checklist of a role play run from a script: its criteria in the script's order
    (criteria mapped to no indicator of the unit are left out). Three queries."""
    entries = []
    for criterion in instrument_criteria(instrument):
        indicators = criterion.shown
        entries.append(
            ChecklistEntry(
                f"c{criterion.pk}",
                indicators[0].pk,
                indicators[0].code,
                None,
                criterion.text,
                tuple(criterion.item_ids),
                indicators[0].text,
                criterion_id=criterion.pk,
                indicator_ids=tuple(i.pk for i in indicators),
                indicator_codes=tuple(i.code for i in indicators),
                guidance=criterion.guidance,
            )
        )
    return entries


def observation_checklist(
    unit, kind: str | None = None, context: str = "", instrument=None
) -> list[ChecklistEntry]:
    """The behaviours of a role-play script when one is given (`script_checklist`);
    otherwise two queries. Live items only (a draft shows once the review approves it), observable
    in `context` (none without a context); items mapped to a method other than this kind's
    are left out. Ordered by indicator, then by the item's order."""
    if instrument is not None:
        return script_checklist(instrument)
    if kind is not None:
        context = observation_context_for(kind, context)
    if not context:
        return []
    items_by_indicator: dict[int, list[ObservationItem]] = {}
    items = (
        ObservationItem.objects.filter(indicator__unit=unit, live=True)
        .in_context(context)
        .prefetch_related("competency_items")
    )
    for item in items:
        if kind and item.assessment_method and item.assessment_method != kind:
            continue
        if context not in item.contexts:  # the SQLite text match, made exact
            continue
        items_by_indicator.setdefault(item.indicator_id, []).append(item)
    if not items_by_indicator:
        return []
    entries: list[ChecklistEntry] = []
    for indicator in Indicator.objects.filter(pk__in=items_by_indicator).order_by(
        "sort_order", "pk"
    ):
        for item in items_by_indicator[indicator.pk]:
            entries.append(
                ChecklistEntry(
                    f"o{item.pk}",
                    indicator.pk,
                    indicator.code,
                    item.pk,
                    item.text,
                    tuple(ci.pk for ci in item.competency_items.all()),
                    indicator.text,
                )
            )
    return entries


def indicator_result(results: Iterable[str]) -> str | None:
    """The rule for judging an indicator from the results of its observed behaviours on one
    observation: Not yet satisfactory when any of them is not yet satisfactory; Satisfactory
    when at least one was observed and every observed one is satisfactory ("not observed"
    items neither help nor count against); None (no evidence) when none was observed."""
    seen = set(results) - {ItemResult.NOT_OBSERVED}
    if ItemResult.NOT_SATISFACTORY in seen:
        return ItemResult.NOT_SATISFACTORY
    if ItemResult.SATISFACTORY in seen:
        return ItemResult.SATISFACTORY
    return None
