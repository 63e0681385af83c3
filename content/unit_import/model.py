"""The typed tree a unit file parses into: the unit with its tasks and indicators, K/S/A
items, assessment guidance and notes, each remembering the line it came from. The key
evidence items (E1..E5) are read from the key evidence guidance lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from content.unit_import.vocabulary import EVIDENCE_KIND, FORMAT_ICAP, evidence_code


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
    kind: str  # "knowledge" | "skill" | "attitude" | "evidence"
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

    @property
    def evidence_items(self) -> list[ParsedItem]:
        """The key evidence items (E1, E2, ...): one per top-level line of the key evidence
        guidance (評量之關鍵面向/職能證明之證據), coded by its number; the guidance keeps
        the lines too."""
        out: list[ParsedItem] = []
        seen: set[str] = set()
        lines = [
            line
            for section in self.guidance
            if section.section == "key_evidence"
            for line in section.lines
            if "." not in line.code and line.text.strip()
        ]
        for position, line in enumerate(lines, start=1):
            code = evidence_code(line.code, position)
            if code in seen:
                continue
            seen.add(code)
            out.append(ParsedItem(kind=EVIDENCE_KIND, code=code, text=line.text, line=line.line))
        return out
