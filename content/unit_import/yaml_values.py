"""YAML and JSON read as a tree of values that remember their line (JSON is checked as JSON
first, then read through the YAML composer so that lines are known), and the readers of one
value: text, list, or list entry (text or a mapping with `text`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext as _

from content.unit_import.errors import Collector, ParseError, UnitError
from content.unit_import.vocabulary import FORMAT_JSON, nfc


@dataclass
class Value:
    """A value read from YAML with the line it was on."""

    value: object
    line: int


def _from_node(node: yaml.Node) -> Value:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Value] = {}
        for key_node, value_node in node.value:
            mapping[str(key_node.value)] = _from_node(value_node)
            mapping[str(key_node.value)].key_line = key_node.start_mark.line + 1  # type: ignore[attr-defined]
        return Value(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return Value([_from_node(child) for child in node.value], line)
    constructed: object = node.value  # plain text unless tagged otherwise
    if node.tag.endswith(":int"):
        constructed = int(node.value) if re.fullmatch(r"[-+]?\d+", node.value) else constructed
    elif node.tag.endswith(":null"):
        constructed = None
    elif node.tag.endswith(":bool"):
        constructed = node.value.lower() in {"true", "yes", "on"}
    return Value(constructed, line)


def compose(text: str, fmt: str, source_label: str) -> Value:
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


def as_text(v: Value | None, label: str, line: int, out: Collector, *, required=False) -> str:
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


def as_list(v: Value | None, label: str, out: Collector) -> list[Value]:
    if v is None or v.value is None:
        return []
    if not isinstance(v.value, list):
        out.error(label, v.line, _("Expected a list here."))
        return []
    return v.value


def as_entry(v: Value, label: str, out: Collector) -> tuple[dict[str, Value], str]:
    """A list entry is either plain text or a mapping with `text`."""
    if isinstance(v.value, dict):
        return v.value, as_text(v.value.get("text"), f"{label}.text", v.line, out, required=True)
    return {}, as_text(v, label, v.line, out, required=True)
