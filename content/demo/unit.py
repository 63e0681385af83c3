"""Demo data: the iCAP unit KPS5R0821v2, imported from the copy kept in the project."""

from pathlib import Path

from content.models.framework import CompetencyUnit
from content.services.units import unit_import

SEED_UNIT = Path(__file__).resolve().parent.parent / "data" / "units" / "KPS5R0821v2.txt"
SEED_CODE = "KPS5R0821v2"


def load() -> None:
    """Import the seed unit; a second run changes nothing."""
    unit_import(data=SEED_UNIT.read_bytes(), filename=SEED_UNIT.name)


def seed_unit() -> CompetencyUnit:
    """The demo unit, imported if needed (other demo loaders build on it)."""
    load()
    return CompetencyUnit.objects.get(code=SEED_CODE)
