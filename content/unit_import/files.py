"""Reading an uploaded unit file: the size limit, strict UTF-8, which format it is in, and
`parse_unit`, the one entry point that hands the text to the iCAP or the YAML/JSON reader."""

from __future__ import annotations

import re
from pathlib import PurePath

from django.utils.translation import gettext as _

from content.unit_import.errors import ParseError, UnitError
from content.unit_import.icap_text import parse_icap
from content.unit_import.model import ParsedUnit
from content.unit_import.structured import parse_structured
from content.unit_import.vocabulary import FORMAT_ICAP, FORMAT_JSON, FORMAT_YAML, MAX_BYTES


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
    text = decode(data, "—")
    fmt = detect_format(text, filename)
    if fmt == FORMAT_ICAP:
        return parse_icap(text)
    return parse_structured(text, fmt)


def decode(data: bytes, field_name: str) -> str:
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
