"""The iCAP unit-library export: one `field<TAB>value` line per field, continuation lines
starting with a TAB, list fields as HTML. Reads the lines into fields, checks the unit's
code, title and level, and hands the list fields to `icap_fields`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from content.unit_import.errors import Collector, ParseError, UnitError
from content.unit_import.icap_fields import icap_guidance, icap_items, icap_notes, icap_tasks
from content.unit_import.model import ParsedTask, ParsedUnit
from content.unit_import.vocabulary import CODE_RE, FORMAT_ICAP, nfc, split_code

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

# Field key -> its lines as (file line, text): the first on the field's own line, then the
# continuation lines.
Fields = dict[str, list[tuple[int, str]]]


def parse_icap(text: str) -> ParsedUnit:
    out = Collector()
    lines = text.splitlines()
    fields, field_line = _read_fields(lines, out)
    if not fields:
        raise _not_a_unit(lines)
    first_field_line = min(field_line.values())
    code, title = _code_and_title(fields, field_line, first_field_line, out)
    level = _level(fields, field_line, out)
    tasks = _tasks(fields, first_field_line, out)
    base, version = split_code(code)
    unit = ParsedUnit(
        code=code,
        base_code=base,
        version=version,
        title=title,
        domain=_scalar(fields, "domain"),
        level=level,
        framework_name="iCAP",
        source_format=FORMAT_ICAP,
        tasks=tasks,
        **_list_fields(fields, out),
    )
    if out.errors:
        raise ParseError(out.errors)
    unit.warnings = out.warnings
    return unit


def _read_fields(lines: list[str], out: Collector) -> tuple[Fields, dict[str, int]]:
    """The known fields with their lines, and the line each field starts on."""
    fields: Fields = {}
    field_line: dict[str, int] = {}
    current: str | None = None
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
    return fields, field_line


def _not_a_unit(lines: list[str]) -> ParseError:
    first = next((n for n, raw in enumerate(lines, start=1) if raw.strip()), 1)
    return ParseError(
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


def _scalar(fields: Fields, key: str) -> str:
    return nfc(" ".join(v for _l, v in fields.get(key, [])).strip())


def _code_and_title(
    fields: Fields, field_line: dict[str, int], first_field_line: int, out: Collector
) -> tuple[str, str]:
    code = _scalar(fields, "code")
    title = _scalar(fields, "title")
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
    return code, title


def _level(fields: Fields, field_line: dict[str, int], out: Collector) -> int | None:
    level = None
    if _scalar(fields, "level"):
        try:
            level = int(_scalar(fields, "level"))
        except ValueError:
            out.error(
                ICAP_LABEL["level"],
                field_line["level"],
                _("The level must be a whole number, not “%(value)s”.")
                % {"value": _scalar(fields, "level")[:20]},
            )
        else:
            if not 1 <= level <= 10:
                out.error(
                    ICAP_LABEL["level"],
                    field_line["level"],
                    _("The level must be between 1 and 10."),
                )
    return level


def _tasks(fields: Fields, first_field_line: int, out: Collector) -> list[ParsedTask]:
    if "tasks" in fields:
        return icap_tasks(fields["tasks"], ICAP_LABEL["tasks"], out)
    out.error(
        ICAP_LABEL["tasks"],
        first_field_line,
        _("The unit has no work tasks and indicators field."),
    )
    return []


def _list_fields(fields: Fields, out: Collector) -> dict[str, list]:
    """knowledge, skills, attitudes, guidance and notes, read in that order (so are errors)."""

    def items(key: str, kind: str, prefix: str) -> list:
        if key not in fields:
            return []
        return icap_items(fields[key], ICAP_LABEL[key], kind, prefix, out)

    return {
        "knowledge": items("knowledge", "knowledge", "K"),
        "skills": items("skills", "skill", "S"),
        "attitudes": items("attitudes", "attitude", "A"),
        "guidance": icap_guidance(fields["guidance"], ICAP_LABEL["guidance"], out)
        if "guidance" in fields
        else [],
        "notes": icap_notes(fields["notes"], ICAP_LABEL["notes"], out) if "notes" in fields else [],
    }
