"""Our own unit format in YAML or JSON (docs/unit-format.md, `format: loyalty-academy-unit/1`):
the unit's fields, tasks with indicators, K/S/A items, guidance sections and notes, each
problem reported with its field path (`tasks[2].indicators[1]`) and line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from content.unit_import.errors import Collector, ParseError, UnitError
from content.unit_import.model import (
    ParsedGuidanceLine,
    ParsedGuidanceSection,
    ParsedIndicator,
    ParsedItem,
    ParsedNote,
    ParsedTask,
    ParsedUnit,
)
from content.unit_import.vocabulary import (
    CODE_RE,
    GUIDANCE_SECTIONS,
    METHOD_VALUES,
    OUR_FORMAT_ID,
    method_for,
    split_code,
)
from content.unit_import.yaml_values import Value, as_entry, as_list, as_text, compose

Mapping = dict[str, Value]


def parse_structured(text: str, fmt: str) -> ParsedUnit:
    root = _root(text, fmt)
    data: Mapping = root.value
    out = Collector()
    _check_format(data, root.line, out)
    code = _code(data, root.line, out)
    title = as_text(data.get("title"), "title", root.line, out, required=True)
    level = _level(data.get("level"), out)
    tasks = _tasks(data, root.line, out)
    item_codes: set[str] = set()  # one namespace for K, S and A items and their sub-items
    knowledge = _items(data, "knowledge", "knowledge", "K", item_codes, out)
    skills = _items(data, "skills", "skill", "S", item_codes, out)
    attitudes = _items(data, "attitudes", "attitude", "A", item_codes, out)
    guidance = _guidance(data.get("guidance"), out)
    notes = _notes(data.get("notes"), out)
    if out.errors:
        raise ParseError(out.errors)
    base, version = split_code(code)
    return ParsedUnit(
        code=code,
        base_code=base,
        version=version,
        title=title,
        title_en=as_text(data.get("title_en"), "title_en", root.line, out),
        domain=as_text(data.get("domain"), "domain", root.line, out),
        level=level,
        framework_name=as_text(data.get("framework"), "framework", root.line, out),
        source_url=as_text(data.get("source_url"), "source_url", root.line, out),
        source_format=fmt,
        tasks=tasks,
        knowledge=knowledge,
        skills=skills,
        attitudes=attitudes,
        guidance=guidance,
        notes=notes,
        warnings=out.warnings,
    )


# --------------------------------------------------------------------------- the unit's fields


def _root(text: str, fmt: str) -> Value:
    root = compose(text, fmt, "—")
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
    return root


def _check_format(data: Mapping, root_line: int, out: Collector) -> None:
    fmt_id = as_text(data.get("format"), "format", root_line, out)
    if fmt_id and fmt_id != OUR_FORMAT_ID:
        out.error(
            "format",
            data["format"].line,
            _("Unknown format “%(value)s”; expected “%(expected)s”.")
            % {"value": fmt_id[:40], "expected": OUR_FORMAT_ID},
        )


def _code(data: Mapping, root_line: int, out: Collector) -> str:
    code = as_text(data.get("code"), "code", root_line, out, required=True)
    if code and not CODE_RE.match(code):
        out.error(
            "code",
            data["code"].line,
            _("“%(code)s” is not a valid unit code.") % {"code": code[:40]},
        )
    return code


def _level(level_v: Value | None, out: Collector) -> int | None:
    if level_v is None or level_v.value is None:
        return None
    raw = level_v.value
    if not isinstance(raw, int) or isinstance(raw, bool):
        out.error(
            "level",
            level_v.line,
            _("The level must be a whole number, not “%(value)s”.") % {"value": str(raw)[:20]},
        )
        return None
    if not 1 <= raw <= 10:
        out.error("level", level_v.line, _("The level must be between 1 and 10."))
    return raw


# --------------------------------------------------------------------------- tasks


def _tasks(data: Mapping, root_line: int, out: Collector) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    task_codes: set[str] = set()
    indicator_codes: set[str] = set()
    if data.get("tasks") is None:
        out.error("tasks", root_line, _("The unit has no tasks."))
    for number, task_v in enumerate(as_list(data.get("tasks"), "tasks", out), start=1):
        task = _task(number, task_v, task_codes, indicator_codes, out)
        if task is not None:
            tasks.append(task)
    if data.get("tasks") is not None and not tasks and not out.errors:
        out.error("tasks", data["tasks"].line, _("The unit has no tasks."))
    return tasks


def _task(
    number: int, task_v: Value, task_codes: set[str], indicator_codes: set[str], out: Collector
) -> ParsedTask | None:
    label = f"tasks[{number}]"
    if not isinstance(task_v.value, dict):
        out.error(label, task_v.line, _("Each task must be a mapping with title and indicators."))
        return None
    t = task_v.value
    task_code = as_text(t.get("code"), f"{label}.code", task_v.line, out) or f"T{number}"
    task = ParsedTask(
        number=number,
        code=task_code,
        title=as_text(t.get("title"), f"{label}.title", task_v.line, out, required=True),
        line=task_v.line,
    )
    if task_code in task_codes:
        out.error(
            f"{label}.code",
            task_v.line,
            _("Duplicate task code %(code)s.") % {"code": task_code},
        )
    task_codes.add(task_code)
    for i, ind_v in enumerate(as_list(t.get("indicators"), f"{label}.indicators", out), start=1):
        task.indicators.append(
            _indicator(ind_v, f"{label}.indicators[{i}]", f"{task_code}.{i}", indicator_codes, out)
        )
    if not task.indicators:
        out.error(
            f"{label}.indicators",
            task_v.line,
            _("Task %(code)s has no behaviour indicators.") % {"code": task_code},
        )
    return task


def _indicator(
    ind_v: Value, label: str, default_code: str, indicator_codes: set[str], out: Collector
) -> ParsedIndicator:
    mapping, ind_text = as_entry(ind_v, label, out)
    ind_code = as_text(mapping.get("code"), "code", ind_v.line, out) or default_code
    if ind_code in indicator_codes:
        out.error(label, ind_v.line, _("Duplicate indicator code %(code)s.") % {"code": ind_code})
    indicator_codes.add(ind_code)
    return ParsedIndicator(code=ind_code, text=ind_text, line=ind_v.line)


# --------------------------------------------------------------------------- K/S/A items


def _items(
    data: Mapping, key: str, kind: str, prefix: str, item_codes: set[str], out: Collector
) -> list[ParsedItem]:
    result = []
    for n, v in enumerate(as_list(data.get(key), key, out), start=1):
        label = f"{key}[{n}]"
        mapping, item_text = as_entry(v, label, out)
        code_ = as_text(mapping.get("code"), f"{label}.code", v.line, out) or f"{prefix}{n}"
        if code_ in item_codes:
            out.error(label, v.line, _("Duplicate item code %(code)s.") % {"code": code_})
        item_codes.add(code_)
        item = ParsedItem(kind=kind, code=code_, text=item_text, line=v.line)
        item.children = _item_children(mapping.get("children"), label, item, item_codes, out)
        result.append(item)
    return result


def _item_children(
    children_v: Value | None,
    label: str,
    parent: ParsedItem,
    item_codes: set[str],
    out: Collector,
) -> list[ParsedItem]:
    children = []
    for m, child_v in enumerate(as_list(children_v, f"{label}.children", out), start=1):
        child_label = f"{label}.children[{m}]"
        child_text = (
            "" if child_v.value in (None, "") else as_text(child_v, child_label, child_v.line, out)
        )
        child_code = f"{parent.code}.{m}"
        if child_code in item_codes:
            out.error(
                child_label,
                child_v.line,
                _("Duplicate item code %(code)s.") % {"code": child_code},
            )
        item_codes.add(child_code)
        children.append(
            ParsedItem(kind=parent.kind, code=child_code, text=child_text, line=child_v.line)
        )
    return children


# --------------------------------------------------------------------------- guidance, notes


def _guidance(guidance_v: Value | None, out: Collector) -> list[ParsedGuidanceSection]:
    if guidance_v is None or guidance_v.value is None:
        return []
    if not isinstance(guidance_v.value, dict):
        out.error("guidance", guidance_v.line, _("Expected a mapping of sections here."))
        return []
    sections: list[ParsedGuidanceSection] = []
    for key, section_v in guidance_v.value.items():
        if key not in GUIDANCE_SECTIONS:
            out.error(
                f"guidance.{key}",
                section_v.line,
                _("Unknown guidance section; use one of: %(names)s.")
                % {"names": ", ".join(GUIDANCE_SECTIONS)},
            )
            continue
        sections.append(_guidance_section(key, section_v, out))
    return sections


def _guidance_section(key: str, section_v: Value, out: Collector) -> ParsedGuidanceSection:
    section = ParsedGuidanceSection(section=key, heading="")
    for n, v in enumerate(as_list(section_v, f"guidance.{key}", out), start=1):
        label = f"guidance.{key}[{n}]"
        mapping, line_text = as_entry(v, label, out)
        method = _guidance_method(mapping.get("method"), f"{label}.method", v.line, out)
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
            as_list(mapping.get("children"), f"{label}.children", out), start=1
        ):
            section.lines.append(
                ParsedGuidanceLine(
                    code=f"{n}.({m})",
                    text=as_text(
                        child_v, f"{label}.children[{m}]", child_v.line, out, required=True
                    ),
                    line=child_v.line,
                )
            )
    return section


def _guidance_method(method_v: Value | None, label: str, line: int, out: Collector) -> str:
    method = as_text(method_v, label, line, out)
    if method and method not in METHOD_VALUES:
        out.error(
            label,
            line,
            _("Unknown assessment method “%(value)s”; use one of: %(names)s.")
            % {"value": method[:30], "names": ", ".join(METHOD_VALUES)},
        )
    return method


def _notes(notes_v: Value | None, out: Collector) -> list[ParsedNote]:
    notes: list[ParsedNote] = []
    for n, v in enumerate(as_list(notes_v, "notes", out), start=1):
        if not isinstance(v.value, dict):
            out.error(
                f"notes[{n}]",
                v.line,
                _("Each note must be a mapping with label, heading and items."),
            )
            continue
        note = ParsedNote(
            label=as_text(v.value.get("label"), f"notes[{n}].label", v.line, out) or f"註{n}",
            heading=as_text(
                v.value.get("heading"), f"notes[{n}].heading", v.line, out, required=True
            ),
            items=[
                as_text(i, f"notes[{n}].items", i.line, out, required=True)
                for i in as_list(v.value.get("items"), f"notes[{n}].items", out)
            ],
            line=v.line,
        )
        notes.append(note)
    return notes
