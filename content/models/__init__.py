"""Every model of the content app. Models live in `content/models/*.py` and Wagtail pages in
`content/pages/*.py`; each module is imported here so that Django registers it."""

from config.autoload import import_submodules
from content.models.framework import (  # noqa: F401
    AssessmentMethod,
    CompetencyItem,
    CompetencyUnit,
    Indicator,
    UnitGuidance,
    UnitNote,
    WorkTask,
)
from content.models.mapping import CompetencyMapped  # noqa: F401

import_submodules("content.models")
import_submodules("content.pages")
