"""Reading competency units from files: the iCAP unit-library export and our own YAML/JSON
format (docs/unit-format.md). Pure: no database, no Django models. Returns a typed tree or
raises ParseError listing every problem found, each naming the field and the line.

Text is stored NFC and otherwise exactly as in the unit: only HTML tags and the list markers
that become codes (一、, 1., (1), 【註1】) are removed."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

import yaml
from django.utils.translation import gettext as _

FORMAT_ICAP = "icap"
FORMAT_YAML = "yaml"
FORMAT_JSON = "json"
OUR_FORMAT_ID = "loyalty-academy-unit/1"
MAX_BYTES = 2 * 1024 * 1024

# Methods of assessment: keyword -> AssessmentMethod value (kept as plain strings so that this
# module needs no models). Checked in order; the first keyword found in a line wins.
METHOD_VALUES = ("observation", "role_play", "customer_feedback", "questioning", "portfolio")
METHOD_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("角色扮演", "role_play"),
    ("role play", "role_play"),
    ("role-play", "role_play"),
    ("回饋", "customer_feedback"),
    ("feedback", "customer_feedback"),
    ("第三方", "portfolio"),
    ("業績證明", "portfolio"),
    ("作品", "portfolio"),
    ("portfolio", "portfolio"),
    ("third-party", "portfolio"),
    ("third party", "portfolio"),
    ("觀察", "observation"),
    ("observ", "observation"),
    ("問題", "questioning"),
    ("提問", "questioning"),
    ("口試", "questioning"),
    ("測驗", "questioning"),
    ("question", "questioning"),
    ("quiz", "questioning"),
)

GUIDANCE_SECTIONS = ("key_evidence", "context", "methods", "extra")
GUIDANCE_KEYWORDS = (
    ("證據", "key_evidence"),
    ("關鍵", "key_evidence"),
    ("情境", "context"),
    ("資源", "context"),
    ("方法", "methods"),
    ("輔助", "extra"),
)

# iCAP field names (as exported) -> our field.
ICAP_FIELDS = {
    "職能單元代碼": "code",
    "職能單元名稱": "title",
    "領域類別": "domain",
    "職能單元級別": "level",
    "工作任務與行為指標": "tasks",
    "職能內涵 (S=skills 技能)": "skills",
    "職能內涵 (K=knowledge 知識)": "knowledge",
    "職能內涵 (A=attitude 態度)": "attitudes",
    "評量設計參考": "guidance",
    "說明與補充事項": "notes",
}
ICAP_LABEL = {v: k for k, v in ICAP_FIELDS.items()}

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
VERSION_RE = re.compile(r"^(?P<base>.+?)(?P<version>[vV]\d+)$")
CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
HEADING_RE = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]+)\s*、\s*(?P<text>.*)$", re.S)
NUMBERED_RE = re.compile(r"^\s*(?P<num>\d+)\s*[.．、]\s*(?P<text>.*)$", re.S)
PAREN_RE = re.compile(r"^\s*[(（]\s*(?P<num>\d+)\s*[)）]\s*(?P<text>.*)$", re.S)
NOTE_RE = re.compile(r"^\s*【\s*(?P<label>[^】]+?)\s*】\s*(?P<text>.*)$", re.S)


# --------------------------------------------------------------------------- the typed tree


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


@dataclass(frozen=True)
class UnitError:
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s, field “%(field)s”: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("Field “%(field)s”: %(message)s") % {"field": self.field, "message": self.message}


class ParseError(ValueError):
    def __init__(self, errors: list[UnitError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --------------------------------------------------------------------------- helpers


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def chinese_number(text: str) -> int | None:
    """一..九 -> 1..9, 十 -> 10, 十一 -> 11, 二十三 -> 23."""
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text] if len(text) == 1 else None
    tens, _sep, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def method_for(text: str) -> str:
    lowered = text.lower()
    for keyword, method in METHOD_KEYWORDS:
        if keyword in lowered:
            return method
    return ""


def split_code(code: str) -> tuple[str, str]:
    match = VERSION_RE.match(code)
    if match:
        return match["base"], match["version"]
    return code, ""


def _decode(data: bytes, field_name: str) -> str:
    """Strict UTF-8 (a BOM is dropped); anything else is refused with the line of the first bad
    byte, and a hint for the usual suspects (UTF-16, Big5)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and b"\x00" in data[:200]):
        raise ParseError(
            [
                UnitError(
                    field_name,
                    1,
                    _("The file is UTF-16 encoded; save it as UTF-8 and upload it again."),
                )
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = ""
        try:
            data.decode("big5")
            hint = " " + _("It looks like Big5.")
        except UnicodeDecodeError:
            pass
        raise ParseError(
            [
                UnitError(
                    field_name,
                    line,
                    _("The file is not valid UTF-8 (byte %(offset)s); save it as UTF-8.")
                    % {"offset": exc.start}
                    + hint,
                )
            ]
        ) from None


# --------------------------------------------------------------------------- HTML fragments


@dataclass
class _Node:
    """A block of an HTML fragment: a paragraph or a list item, with nested list items."""

    tag: str  # "p" | "li"
    text: str = ""
    line: int = 0
    children: list[_Node] = field(default_factory=list)
    segment_start: bool = False  # first block after a page-break continuation


class _Blocks(HTMLParser):
    """Turns `<p>..</p> <ol><li>..<ol><li>..</li></ol></li></ol>` into a list of _Node blocks:
    paragraphs at top level, list items (with their nested items) after the paragraph."""

    def __init__(self, line_of_segment: list[int]):
        super().__init__(convert_charrefs=True)
        self.line_of_segment = line_of_segment
        self.blocks: list[_Node] = []
        self.stack: list[_Node] = []  # open li's
        self.current: _Node | None = None  # block receiving text
        self.lists: list[_Node | None] = []  # owner li of each open list (None at top)
        self.last_segment = -1

    def _line(self) -> tuple[int, bool]:
        segment = self.getpos()[0] - 1
        new = segment != self.last_segment
        self.last_segment = segment
        return self.line_of_segment[min(segment, len(self.line_of_segment) - 1)], new

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            line, new = self._line()
            node = _Node("p", line=line, segment_start=new and line != self.line_of_segment[0])
            (self.stack[-1].children if self.stack else self.blocks).append(node)
            self.current = node
        elif tag in ("ol", "ul"):
            self.lists.append(self.stack[-1] if self.stack else None)
            self.current = None
        elif tag == "li":
            line, new = self._line()
            node = _Node("li", line=line, segment_start=new and line != self.line_of_segment[0])
            (self.stack[-1].children if self.stack else self.blocks).append(node)
            self.stack.append(node)
            self.current = node
        elif tag == "br" and self.current is not None:
            self.current.text += "\n"

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()
            self.current = None
        elif tag == "p":
            self.current = self.stack[-1] if self.stack else None
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
            self.current = self.stack[-1] if self.stack else None

    def handle_data(self, data):
        if self.current is not None:
            self.current.text += data


def _html_blocks(segments: list[tuple[int, str]]) -> list[_Node]:
    parser = _Blocks([line for line, _text in segments])
    parser.feed("\n".join(text.replace("\n", " ") for _line, text in segments))
    parser.close()

    def clean(node: _Node) -> None:
        node.text = nfc(node.text.strip())
        for child in node.children:
            clean(child)

    for block in parser.blocks:
        clean(block)
    return parser.blocks


def _group(blocks: list[_Node]) -> list[tuple[_Node, list[_Node]]]:
    """Pairs each paragraph with the list items that follow it. A paragraph continued after a
    page break (its first block does not start a new heading) is joined to the one before."""
    groups: list[tuple[_Node, list[_Node]]] = []
    for block in blocks:
        if block.tag == "p":
            if (
                block.segment_start
                and groups
                and not groups[-1][1]
                and not HEADING_RE.match(block.text)
                and not NOTE_RE.match(block.text)
                and not NUMBERED_RE.match(block.text)
            ):
                groups[-1][0].text += block.text  # word split by the page break
                continue
            groups.append((block, []))
        elif groups:
            groups[-1][1].append(block)
        else:
            groups.append((_Node("p", line=block.line), [block]))
    return groups


# --------------------------------------------------------------------------- iCAP format


class _Collector:
    def __init__(self):
        self.errors: list[UnitError] = []
        self.warnings: list[str] = []

    def error(self, field_name: str, line: int | None, message: str) -> None:
        self.errors.append(UnitError(field_name, line, message))


def _number(node: _Node, position: int) -> tuple[int, str]:
    match = NUMBERED_RE.match(node.text)
    if match:
        return int(match["num"]), match["text"].strip()
    return position, node.text


def _numbered_heading(heading, label, out: _Collector, message) -> tuple[int, str] | None:
    """A heading such as “一、確認…” as (1, "確認…"), or None with `message` reported."""
    match = HEADING_RE.match(heading.text)
    number = chinese_number(match["num"]) if match else None
    if number is None:
        out.error(label, heading.line, message % {"text": heading.text[:40]})
        return None
    return number, match["text"].strip()


def _icap_tasks(segments, label, out: _Collector) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    seen_tasks: set[str] = set()
    for heading, items in _group(_html_blocks(segments)):
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


def _icap_items(segments, label, kind: str, prefix: str, out: _Collector) -> list[ParsedItem]:
    result: list[ParsedItem] = []
    seen: set[str] = set()
    for heading, items in _group(_html_blocks(segments)):
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
    items: list[_Node], method_section: bool, prefix: str = ""
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


def _icap_guidance(segments, label, out: _Collector) -> list[ParsedGuidanceSection]:
    sections: list[ParsedGuidanceSection] = []
    for heading, items in _group(_html_blocks(segments)):
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


def _icap_notes(segments, label, out: _Collector) -> list[ParsedNote]:
    notes: list[ParsedNote] = []
    for heading, items in _group(_html_blocks(segments)):
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


def parse_icap(text: str) -> ParsedUnit:
    out = _Collector()
    fields: dict[str, list[tuple[int, str]]] = {}
    field_line: dict[str, int] = {}
    current: str | None = None
    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("\t"):
            if current is None:
                out.error("—", number, _("A continuation line comes before any field."))
                continue
            fields[current].append((number, line.strip()))
            continue
        name, tab, value = line.partition("\t")
        name = nfc(name.strip())
        if not tab:
            out.error(
                name[:40] or "—",
                number,
                _("Expected “field<TAB>value”; this line has no TAB."),
            )
            current = None
            continue
        if set(name) <= {"-"} and set(value.strip()) <= {"-"}:
            current = None  # the stray `--<TAB>---` row the export ends with
            continue
        key = ICAP_FIELDS.get(name)
        if key is None:
            out.warnings.append(
                _("Line %(line)s: field “%(field)s” is not used and was ignored.")
                % {"line": number, "field": name}
            )
            current = None
            continue
        if key in fields:
            out.error(
                name,
                number,
                _("This field appears twice (first on line %(line)s).") % {"line": field_line[key]},
            )
            current = None
            continue
        fields[key] = [(number, value.strip())]
        field_line[key] = number
        current = key

    if not fields:
        first = next((n for n, raw in enumerate(lines, start=1) if raw.strip()), 1)
        raise ParseError(
            [
                UnitError(
                    ICAP_LABEL["code"],
                    first,
                    _(
                        "This is not a competency unit: none of the unit's fields "
                        "(職能單元代碼, 職能單元名稱, 工作任務與行為指標…) was found."
                    ),
                )
            ]
        )
    first_field_line = min(field_line.values())

    def scalar(key: str) -> str:
        return nfc(" ".join(v for _l, v in fields.get(key, [])).strip())

    code = scalar("code")
    title = scalar("title")
    if not code:
        out.error(
            ICAP_LABEL["code"],
            field_line.get("code", first_field_line),
            _("The unit code is missing."),
        )
    elif not CODE_RE.match(code):
        out.error(
            ICAP_LABEL["code"],
            field_line["code"],
            _("“%(code)s” is not a valid unit code.") % {"code": code[:40]},
        )
    if not title:
        out.error(
            ICAP_LABEL["title"],
            field_line.get("title", first_field_line),
            _("The unit title is missing."),
        )
    level = None
    if scalar("level"):
        try:
            level = int(scalar("level"))
        except ValueError:
            out.error(
                ICAP_LABEL["level"],
                field_line["level"],
                _("The level must be a whole number, not “%(value)s”.")
                % {"value": scalar("level")[:20]},
            )
        else:
            if not 1 <= level <= 10:
                out.error(
                    ICAP_LABEL["level"],
                    field_line["level"],
                    _("The level must be between 1 and 10."),
                )
    tasks = []
    if "tasks" in fields:
        tasks = _icap_tasks(fields["tasks"], ICAP_LABEL["tasks"], out)
    else:
        out.error(
            ICAP_LABEL["tasks"],
            first_field_line,
            _("The unit has no work tasks and indicators field."),
        )
    base, version = split_code(code)
    unit = ParsedUnit(
        code=code,
        base_code=base,
        version=version,
        title=title,
        domain=scalar("domain"),
        level=level,
        framework_name="iCAP",
        source_format=FORMAT_ICAP,
        tasks=tasks,
        knowledge=_icap_items(fields["knowledge"], ICAP_LABEL["knowledge"], "knowledge", "K", out)
        if "knowledge" in fields
        else [],
        skills=_icap_items(fields["skills"], ICAP_LABEL["skills"], "skill", "S", out)
        if "skills" in fields
        else [],
        attitudes=_icap_items(fields["attitudes"], ICAP_LABEL["attitudes"], "attitude", "A", out)
        if "attitudes" in fields
        else [],
        guidance=_icap_guidance(fields["guidance"], ICAP_LABEL["guidance"], out)
        if "guidance" in fields
        else [],
        notes=_icap_notes(fields["notes"], ICAP_LABEL["notes"], out) if "notes" in fields else [],
    )
    if out.errors:
        raise ParseError(out.errors)
    unit.warnings = out.warnings
    return unit


# --------------------------------------------------------------------------- YAML / JSON


@dataclass
class _V:
    """A value read from YAML with the line it was on."""

    value: object
    line: int


def _from_node(node: yaml.Node) -> _V:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, _V] = {}
        for key_node, value_node in node.value:
            mapping[str(key_node.value)] = _from_node(value_node)
            mapping[str(key_node.value)].key_line = key_node.start_mark.line + 1  # type: ignore[attr-defined]
        return _V(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return _V([_from_node(child) for child in node.value], line)
    constructed: object = node.value  # plain text unless tagged otherwise
    if node.tag.endswith(":int"):
        constructed = int(node.value) if re.fullmatch(r"[-+]?\d+", node.value) else constructed
    elif node.tag.endswith(":null"):
        constructed = None
    elif node.tag.endswith(":bool"):
        constructed = node.value.lower() in {"true", "yes", "on"}
    return _V(constructed, line)


def _compose(text: str, fmt: str, source_label: str) -> _V:
    if fmt == FORMAT_JSON:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(
                [
                    UnitError(
                        source_label, exc.lineno, _("Invalid JSON: %(error)s") % {"error": exc.msg}
                    )
                ]
            ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParseError(
            [
                UnitError(
                    source_label,
                    mark.line + 1 if mark else None,
                    _("Invalid YAML: %(error)s") % {"error": problem},
                )
            ]
        ) from None
    if node is None:
        raise ParseError([UnitError(source_label, 1, _("The file is empty."))])
    return _from_node(node)


def _text(v: _V | None, label: str, line: int, out: _Collector, *, required=False) -> str:
    if v is None or v.value is None:
        if required:
            out.error(label, line, _("This field is required."))
        return ""
    if isinstance(v.value, (dict, list)):
        out.error(label, v.line, _("Expected text here."))
        return ""
    text = nfc(str(v.value).strip())
    if required and not text:
        out.error(label, v.line, _("This field is required."))
    return text


def _list(v: _V | None, label: str, out: _Collector) -> list[_V]:
    if v is None or v.value is None:
        return []
    if not isinstance(v.value, list):
        out.error(label, v.line, _("Expected a list here."))
        return []
    return v.value


def _entry(v: _V, label: str, out: _Collector) -> tuple[dict[str, _V], str]:
    """A list entry is either plain text or a mapping with `text`."""
    if isinstance(v.value, dict):
        return v.value, _text(v.value.get("text"), f"{label}.text", v.line, out, required=True)
    return {}, _text(v, label, v.line, out, required=True)


def parse_structured(text: str, fmt: str) -> ParsedUnit:
    root = _compose(text, fmt, "—")
    out = _Collector()
    if not isinstance(root.value, dict) or not ({"code", "title", "tasks"} & set(root.value)):
        raise ParseError(
            [
                UnitError(
                    "code",
                    root.line,
                    _(
                        "This is not a competency unit: expected a mapping with code, title and tasks."
                    ),
                )
            ]
        )
    data: dict[str, _V] = root.value
    fmt_id = _text(data.get("format"), "format", root.line, out)
    if fmt_id and fmt_id != OUR_FORMAT_ID:
        out.error(
            "format",
            data["format"].line,
            _("Unknown format “%(value)s”; expected “%(expected)s”.")
            % {"value": fmt_id[:40], "expected": OUR_FORMAT_ID},
        )
    code = _text(data.get("code"), "code", root.line, out, required=True)
    if code and not CODE_RE.match(code):
        out.error(
            "code",
            data["code"].line,
            _("“%(code)s” is not a valid unit code.") % {"code": code[:40]},
        )
    title = _text(data.get("title"), "title", root.line, out, required=True)
    level = None
    if data.get("level") is not None and data["level"].value is not None:
        raw = data["level"].value
        if isinstance(raw, int) and not isinstance(raw, bool):
            level = raw
            if not 1 <= level <= 10:
                out.error("level", data["level"].line, _("The level must be between 1 and 10."))
        else:
            out.error(
                "level",
                data["level"].line,
                _("The level must be a whole number, not “%(value)s”.") % {"value": str(raw)[:20]},
            )

    tasks: list[ParsedTask] = []
    task_codes: set[str] = set()
    indicator_codes: set[str] = set()
    if data.get("tasks") is None:
        out.error("tasks", root.line, _("The unit has no tasks."))
    for number, task_v in enumerate(_list(data.get("tasks"), "tasks", out), start=1):
        if not isinstance(task_v.value, dict):
            out.error(
                f"tasks[{number}]",
                task_v.line,
                _("Each task must be a mapping with title and indicators."),
            )
            continue
        t = task_v.value
        task_code = _text(t.get("code"), f"tasks[{number}].code", task_v.line, out) or f"T{number}"
        task = ParsedTask(
            number=number,
            code=task_code,
            title=_text(t.get("title"), f"tasks[{number}].title", task_v.line, out, required=True),
            line=task_v.line,
        )
        if task_code in task_codes:
            out.error(
                f"tasks[{number}].code",
                task_v.line,
                _("Duplicate task code %(code)s.") % {"code": task_code},
            )
        task_codes.add(task_code)
        for i, ind_v in enumerate(
            _list(t.get("indicators"), f"tasks[{number}].indicators", out), start=1
        ):
            mapping, ind_text = _entry(ind_v, f"tasks[{number}].indicators[{i}]", out)
            ind_code = _text(mapping.get("code"), "code", ind_v.line, out) or f"{task_code}.{i}"
            if ind_code in indicator_codes:
                out.error(
                    f"tasks[{number}].indicators[{i}]",
                    ind_v.line,
                    _("Duplicate indicator code %(code)s.") % {"code": ind_code},
                )
            indicator_codes.add(ind_code)
            task.indicators.append(ParsedIndicator(code=ind_code, text=ind_text, line=ind_v.line))
        if not task.indicators:
            out.error(
                f"tasks[{number}].indicators",
                task_v.line,
                _("Task %(code)s has no behaviour indicators.") % {"code": task_code},
            )
        tasks.append(task)
    if data.get("tasks") is not None and not tasks and not out.errors:
        out.error("tasks", data["tasks"].line, _("The unit has no tasks."))

    item_codes: set[str] = set()

    def items(key: str, kind: str, prefix: str) -> list[ParsedItem]:
        result = []
        for n, v in enumerate(_list(data.get(key), key, out), start=1):
            mapping, item_text = _entry(v, f"{key}[{n}]", out)
            code_ = _text(mapping.get("code"), f"{key}[{n}].code", v.line, out) or f"{prefix}{n}"
            if code_ in item_codes:
                out.error(
                    f"{key}[{n}]", v.line, _("Duplicate item code %(code)s.") % {"code": code_}
                )
            item_codes.add(code_)
            item = ParsedItem(kind=kind, code=code_, text=item_text, line=v.line)
            for m, child_v in enumerate(
                _list(mapping.get("children"), f"{key}[{n}].children", out), start=1
            ):
                child_text = (
                    ""
                    if child_v.value in (None, "")
                    else _text(child_v, f"{key}[{n}].children[{m}]", child_v.line, out)
                )
                child_code = f"{code_}.{m}"
                if child_code in item_codes:
                    out.error(
                        f"{key}[{n}].children[{m}]",
                        child_v.line,
                        _("Duplicate item code %(code)s.") % {"code": child_code},
                    )
                item_codes.add(child_code)
                item.children.append(
                    ParsedItem(kind=kind, code=child_code, text=child_text, line=child_v.line)
                )
            result.append(item)
        return result

    knowledge = items("knowledge", "knowledge", "K")
    skills = items("skills", "skill", "S")
    attitudes = items("attitudes", "attitude", "A")

    guidance: list[ParsedGuidanceSection] = []
    guidance_v = data.get("guidance")
    if guidance_v is not None and guidance_v.value is not None:
        if not isinstance(guidance_v.value, dict):
            out.error("guidance", guidance_v.line, _("Expected a mapping of sections here."))
        else:
            for key, section_v in guidance_v.value.items():
                if key not in GUIDANCE_SECTIONS:
                    out.error(
                        f"guidance.{key}",
                        section_v.line,
                        _("Unknown guidance section; use one of: %(names)s.")
                        % {"names": ", ".join(GUIDANCE_SECTIONS)},
                    )
                    continue
                section = ParsedGuidanceSection(section=key, heading="")
                for n, v in enumerate(_list(section_v, f"guidance.{key}", out), start=1):
                    mapping, line_text = _entry(v, f"guidance.{key}[{n}]", out)
                    method = _text(
                        mapping.get("method"), f"guidance.{key}[{n}].method", v.line, out
                    )
                    if method and method not in METHOD_VALUES:
                        out.error(
                            f"guidance.{key}[{n}].method",
                            v.line,
                            _("Unknown assessment method “%(value)s”; use one of: %(names)s.")
                            % {"value": method[:30], "names": ", ".join(METHOD_VALUES)},
                        )
                    if key == "methods" and not method:
                        method = method_for(line_text)
                    section.lines.append(
                        ParsedGuidanceLine(
                            code=str(n),
                            text=line_text,
                            method=method if key == "methods" else "",
                            line=v.line,
                        )
                    )
                    for m, child_v in enumerate(
                        _list(mapping.get("children"), f"guidance.{key}[{n}].children", out),
                        start=1,
                    ):
                        section.lines.append(
                            ParsedGuidanceLine(
                                code=f"{n}.({m})",
                                text=_text(
                                    child_v,
                                    f"guidance.{key}[{n}].children[{m}]",
                                    child_v.line,
                                    out,
                                    required=True,
                                ),
                                line=child_v.line,
                            )
                        )
                guidance.append(section)

    notes: list[ParsedNote] = []
    for n, v in enumerate(_list(data.get("notes"), "notes", out), start=1):
        if not isinstance(v.value, dict):
            out.error(
                f"notes[{n}]",
                v.line,
                _("Each note must be a mapping with label, heading and items."),
            )
            continue
        note = ParsedNote(
            label=_text(v.value.get("label"), f"notes[{n}].label", v.line, out) or f"註{n}",
            heading=_text(
                v.value.get("heading"), f"notes[{n}].heading", v.line, out, required=True
            ),
            items=[
                _text(i, f"notes[{n}].items", i.line, out, required=True)
                for i in _list(v.value.get("items"), f"notes[{n}].items", out)
            ],
            line=v.line,
        )
        notes.append(note)

    if out.errors:
        raise ParseError(out.errors)
    base, version = split_code(code)
    return ParsedUnit(
        code=code,
        base_code=base,
        version=version,
        title=title,
        title_en=_text(data.get("title_en"), "title_en", root.line, out),
        domain=_text(data.get("domain"), "domain", root.line, out),
        level=level,
        framework_name=_text(data.get("framework"), "framework", root.line, out),
        source_url=_text(data.get("source_url"), "source_url", root.line, out),
        source_format=fmt,
        tasks=tasks,
        knowledge=knowledge,
        skills=skills,
        attitudes=attitudes,
        guidance=guidance,
        notes=notes,
        warnings=out.warnings,
    )


# --------------------------------------------------------------------------- entry point


def detect_format(text: str, filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return FORMAT_YAML
    if suffix == ".json":
        return FORMAT_JSON
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        return FORMAT_JSON
    if "\t" in first or suffix == ".txt":
        return FORMAT_ICAP
    if re.match(r"^[A-Za-z_]+\s*:", first):
        return FORMAT_YAML
    return FORMAT_ICAP


def parse_unit(data: bytes, filename: str = "") -> ParsedUnit:
    """Parse a unit file of any supported format. Raises ParseError."""
    if len(data) > MAX_BYTES:
        raise ParseError([UnitError("—", None, _("The file is too large for a unit (over 2 MB)."))])
    if not data.strip():
        raise ParseError([UnitError("—", 1, _("The file is empty."))])
    text = _decode(data, "—")
    fmt = detect_format(text, filename)
    if fmt == FORMAT_ICAP:
        return parse_icap(text)
    return parse_structured(text, fmt)
