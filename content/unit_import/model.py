"""The typed tree a unit file parses into: the unit with its tasks and indicators, K/S/A
items, assessment guidance and notes, each remembering the line it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from content.unit_import.vocabulary import FORMAT_ICAP


@dataclass
class ParsedIndicator:
    code: str
    text: str
    line: int | None = None


@dataclass
class ParsedTask:
    number: int
    code: str
    title: str
    indicators: list[ParsedIndicator] = field(default_factory=list)
    line: int | None = None


@dataclass
class ParsedItem:
    kind: str  # "knowledge" | "skill" | "attitude"
    code: str
    text: str
    children: list[ParsedItem] = field(default_factory=list)
    line: int | None = None


@dataclass
class ParsedGuidanceLine:
    code: str
    text: str
    method: str = ""
    line: int | None = None


@dataclass
class ParsedGuidanceSection:
    section: str  # one of GUIDANCE_SECTIONS
    heading: str
    lines: list[ParsedGuidanceLine] = field(default_factory=list)


@dataclass
class ParsedNote:
    label: str
    heading: str
    items: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class ParsedUnit:
    code: str
    base_code: str
    version: str
    title: str
    title_en: str = ""
    domain: str = ""
    level: int | None = None
    framework_name: str = ""
    source_url: str = ""
    source_format: str = FORMAT_ICAP
    tasks: list[ParsedTask] = field(default_factory=list)
    knowledge: list[ParsedItem] = field(default_factory=list)
    skills: list[ParsedItem] = field(default_factory=list)
    attitudes: list[ParsedItem] = field(default_factory=list)
    guidance: list[ParsedGuidanceSection] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> list[ParsedIndicator]:
        return [ind for task in self.tasks for ind in task.indicators]

    @property
    def items(self) -> list[ParsedItem]:
        """Every K/S/A item with its sub-items, parents first, in the unit's order."""
        out: list[ParsedItem] = []
        for item in [*self.knowledge, *self.skills, *self.attitudes]:
            out.append(item)
            out.extend(item.children)
        return out
