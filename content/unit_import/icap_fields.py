"""The fields of an iCAP export that hold HTML lists: work tasks with their behaviour
indicators, K/S/A items with sub-items, assessment guidance sections and notes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from content.unit_import.errors import Collector
from content.unit_import.headings import (
    HEADING_RE,
    NOTE_RE,
    NUMBERED_RE,
    PAREN_RE,
    chinese_number,
)
from content.unit_import.html_blocks import Node, group, html_blocks
from content.unit_import.model import (
    ParsedGuidanceLine,
    ParsedGuidanceSection,
    ParsedIndicator,
    ParsedItem,
    ParsedNote,
    ParsedTask,
)
from content.unit_import.vocabulary import GUIDANCE_KEYWORDS, GUIDANCE_SECTIONS, method_for


def _number(node: Node, position: int) -> tuple[int, str]:
    match = NUMBERED_RE.match(node.text)
    if match:
        return int(match["num"]), match["text"].strip()
    return position, node.text


def _numbered_heading(heading, label, out: Collector, message) -> tuple[int, str] | None:
    """A heading such as “一、確認…” as (1, "確認…"), or None with `message` reported."""
    match = HEADING_RE.match(heading.text)
    number = chinese_number(match["num"]) if match else None
    if number is None:
        out.error(label, heading.line, message % {"text": heading.text[:40]})
        return None
    return number, match["text"].strip()


def icap_tasks(segments, label, out: Collector) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    seen_tasks: set[str] = set()
    for heading, items in group(html_blocks(segments)):
        parsed = _numbered_heading(
            heading, label, out, _("“%(text)s” is not a work task heading such as “一、…”.")
        )
        if parsed is None:
            continue
        number, title = parsed
        task = ParsedTask(number=number, code=f"T{number}", title=title, line=heading.line)
        if task.code in seen_tasks:
            out.error(label, heading.line, _("Duplicate task code %(code)s.") % {"code": task.code})
        seen_tasks.add(task.code)
        if not task.title:
            out.error(label, heading.line, _("Task %(code)s has no title.") % {"code": task.code})
        seen: set[str] = set()
        for position, li in enumerate(items, start=1):
            n, text = _number(li, position)
            code = f"{task.code}.{n}"
            if code in seen:
                out.error(label, li.line, _("Duplicate indicator code %(code)s.") % {"code": code})
            seen.add(code)
            if not text:
                out.error(label, li.line, _("Indicator %(code)s has no text.") % {"code": code})
            task.indicators.append(ParsedIndicator(code=code, text=text, line=li.line))
        if not task.indicators:
            out.error(
                label,
                heading.line,
                _("Task %(code)s has no behaviour indicators.") % {"code": task.code},
            )
        tasks.append(task)
    if not tasks and not out.errors:
        out.error(label, segments[0][0], _("No work tasks found."))
    return tasks


def icap_items(segments, label, kind: str, prefix: str, out: Collector) -> list[ParsedItem]:
    result: list[ParsedItem] = []
    seen: set[str] = set()
    for heading, items in group(html_blocks(segments)):
        parsed = _numbered_heading(
            heading, label, out, _("“%(text)s” is not a numbered item such as “一、…”.")
        )
        if parsed is None:
            continue
        number, text = parsed
        item = ParsedItem(kind=kind, code=f"{prefix}{number}", text=text, line=heading.line)
        if item.code in seen:
            out.error(label, heading.line, _("Duplicate item code %(code)s.") % {"code": item.code})
        seen.add(item.code)
        if not item.text:
            out.error(label, heading.line, _("Item %(code)s has no text.") % {"code": item.code})
        for position, li in enumerate(items, start=1):
            n, text = _number(li, position)
            code = f"{item.code}.{n}"
            if code in seen:
                out.error(label, li.line, _("Duplicate item code %(code)s.") % {"code": code})
            seen.add(code)
            if not text:
                out.warnings.append(
                    _("Line %(line)s: item %(code)s is empty in the source; it is kept empty.")
                    % {"line": li.line, "code": code}
                )
            item.children.append(ParsedItem(kind=kind, code=code, text=text, line=li.line))
        result.append(item)
    return result


def _guidance_lines(
    items: list[Node], method_section: bool, prefix: str = ""
) -> list[ParsedGuidanceLine]:
    lines: list[ParsedGuidanceLine] = []
    for position, li in enumerate(items, start=1):
        n, text = _number(li, position)
        if prefix:
            match = PAREN_RE.match(li.text)
            n, text = (int(match["num"]), match["text"].strip()) if match else (position, li.text)
            code = f"{prefix}.({n})"
        else:
            code = str(n)
        lines.append(
            ParsedGuidanceLine(
                code=code,
                text=text,
                method=method_for(text) if method_section else "",
                line=li.line,
            )
        )
        nested = [child for child in li.children if child.tag == "li"]
        if nested:
            lines.extend(_guidance_lines(nested, method_section, prefix=code))
    return lines


def icap_guidance(segments, label, out: Collector) -> list[ParsedGuidanceSection]:
    sections: list[ParsedGuidanceSection] = []
    for heading, items in group(html_blocks(segments)):
        match = HEADING_RE.match(heading.text)
        if match:
            title = match["text"].strip()
            section = next((s for k, s in GUIDANCE_KEYWORDS if k in title), None)
            number = chinese_number(match["num"]) or 0
            if section is None and 1 <= number <= len(GUIDANCE_SECTIONS):
                section = GUIDANCE_SECTIONS[number - 1]
            if section is None:
                out.error(
                    label,
                    heading.line,
                    _("Unknown assessment guidance section “%(text)s”.") % {"text": title[:40]},
                )
                continue
            sections.append(ParsedGuidanceSection(section=section, heading=title))
            current = sections[-1]
        elif sections:
            current = sections[-1]
            current.lines.append(
                ParsedGuidanceLine(
                    code="",
                    text=heading.text,
                    line=heading.line,
                )
            )
        else:
            out.error(label, heading.line, _("Text before the first guidance section heading."))
            continue
        current.lines.extend(_guidance_lines(items, current.section == "methods"))
    return sections


def icap_notes(segments, label, out: Collector) -> list[ParsedNote]:
    notes: list[ParsedNote] = []
    for heading, items in group(html_blocks(segments)):
        match = NOTE_RE.match(heading.text)
        numbered = NUMBERED_RE.match(heading.text)
        if match:
            note = ParsedNote(
                label=match["label"], heading=match["text"].strip(), line=heading.line
            )
            notes.append(note)
        elif numbered and notes and int(numbered["num"]) == len(notes[-1].items) + 1:
            # A list item that slipped out of its list ("6. 憑證" after a page break).
            notes[-1].items.append(numbered["text"].strip())
            note = notes[-1]
        elif notes:
            notes[-1].items.append(heading.text)
            note = notes[-1]
        else:
            note = ParsedNote(label="", heading=heading.text, line=heading.line)
            notes.append(note)
        for position, li in enumerate(items, start=1):
            _n, text = _number(li, position)
            note.items.append(text)
    return notes
