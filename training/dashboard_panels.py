"""Panels a higher app puts at the top of the trainee's dashboard (/learn/), without
`training` importing it.

`training` defines a Wagtail hook name; `assessments` registers a function under it
(assessments/selectors/learner_status.py, registered in assessments/wagtail_hooks.py): the
learner's own assessment state, above the course cards. Each function is called as
`fn(request=request)` and returns a `DashboardPanel` (or None when it has nothing to say);
the dashboard includes `panel.template` with `panel` set to `panel.data`, in the order of
`panel.order`. The same pattern as content/page_context.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wagtail import hooks

DASHBOARD_PANELS_HOOK = "training_dashboard_panels"


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    data: Any
    order: int = 100


def dashboard_panels(*, request) -> list[DashboardPanel]:
    panels = [
        panel
        for fn in hooks.get_hooks(DASHBOARD_PANELS_HOOK)
        if (panel := fn(request=request)) is not None
    ]
    return sorted(panels, key=lambda panel: panel.order)
