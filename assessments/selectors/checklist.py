"""The observation checklist of a unit: each indicator, then the observable behaviours
trainers wrote under it (ObservationItem)."""

from dataclasses import dataclass

from content.models.framework import Indicator
from content.models.observation import ObservationItem


@dataclass(frozen=True)
class ChecklistEntry:
    key: str  # "i<indicator id>" or "o<observation item id>", used as form field prefix
    indicator_id: int
    indicator_code: str
    observation_item_id: int | None
    label: str
    item_ids: tuple[int, ...] = ()


def observation_checklist(unit, kind: str | None = None) -> list[ChecklistEntry]:
    """Two queries. Live items only (a draft shows once the review approves it); items
    mapped to a method other than this kind's are left out."""
    entries: list[ChecklistEntry] = []
    items_by_indicator: dict[int, list[ObservationItem]] = {}
    items = ObservationItem.objects.filter(indicator__unit=unit, live=True).prefetch_related(
        "competency_items"
    )
    for item in items:
        if kind and item.assessment_method and item.assessment_method != kind:
            continue
        items_by_indicator.setdefault(item.indicator_id, []).append(item)
    for indicator in Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"):
        entries.append(
            ChecklistEntry(f"i{indicator.pk}", indicator.pk, indicator.code, None, indicator.text)
        )
        for item in items_by_indicator.get(indicator.pk, []):
            entries.append(
                ChecklistEntry(
                    f"o{item.pk}",
                    indicator.pk,
                    indicator.code,
                    item.pk,
                    item.text,
                    tuple(ci.pk for ci in item.competency_items.all()),
                )
            )
    return entries
