"""Reading competency units from files: the iCAP unit-library export and our own YAML/JSON
format (docs/unit-format.md). Pure: no database, no Django models. Returns a typed tree or
raises ParseError listing every problem found, each naming the field and the line.

Text is stored NFC and otherwise exactly as in the unit: only HTML tags and the list markers
that become codes (一、, 1., (1), 【註1】) are removed.

- `files`: `parse_unit` (the entry point), decoding, format detection
- `icap_text`, `icap_fields`, `html_blocks`: the iCAP export
- `structured`, `yaml_values`: our YAML/JSON format
- `model`: the parsed tree; `errors`: UnitError, ParseError
- `vocabulary`, `headings`: formats, codes, methods, guidance sections, list markers, the
  codes of key evidence items (E1..)
"""

from content.unit_import.errors import ParseError, UnitError
from content.unit_import.files import detect_format, parse_unit
from content.unit_import.headings import (
    CN_DIGITS,
    HEADING_RE,
    NOTE_RE,
    NUMBERED_RE,
    PAREN_RE,
    chinese_number,
)
from content.unit_import.icap_text import ICAP_FIELDS, ICAP_LABEL, parse_icap
from content.unit_import.model import (
    ParsedGuidanceLine,
    ParsedGuidanceSection,
    ParsedIndicator,
    ParsedItem,
    ParsedNote,
    ParsedTask,
    ParsedUnit,
)
from content.unit_import.structured import parse_structured
from content.unit_import.vocabulary import (
    CODE_RE,
    EVIDENCE_KIND,
    FORMAT_ICAP,
    FORMAT_JSON,
    FORMAT_YAML,
    GUIDANCE_KEYWORDS,
    GUIDANCE_SECTIONS,
    MAX_BYTES,
    METHOD_KEYWORDS,
    METHOD_VALUES,
    OUR_FORMAT_ID,
    VERSION_RE,
    evidence_code,
    method_for,
    nfc,
    split_code,
)

__all__ = [
    "CN_DIGITS",
    "CODE_RE",
    "EVIDENCE_KIND",
    "FORMAT_ICAP",
    "FORMAT_JSON",
    "FORMAT_YAML",
    "GUIDANCE_KEYWORDS",
    "GUIDANCE_SECTIONS",
    "HEADING_RE",
    "ICAP_FIELDS",
    "ICAP_LABEL",
    "MAX_BYTES",
    "METHOD_KEYWORDS",
    "METHOD_VALUES",
    "NOTE_RE",
    "NUMBERED_RE",
    "OUR_FORMAT_ID",
    "PAREN_RE",
    "VERSION_RE",
    "ParseError",
    "ParsedGuidanceLine",
    "ParsedGuidanceSection",
    "ParsedIndicator",
    "ParsedItem",
    "ParsedNote",
    "ParsedTask",
    "ParsedUnit",
    "UnitError",
    "chinese_number",
    "detect_format",
    "evidence_code",
    "method_for",
    "nfc",
    "parse_icap",
    "parse_structured",
    "parse_unit",
    "split_code",
]
