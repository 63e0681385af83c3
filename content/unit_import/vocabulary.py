"""The words of a unit file: format names, size limit, code patterns, the assessment methods
and guidance sections a unit can name, and the small text helpers every reader shares."""

from __future__ import annotations

import re
import unicodedata

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

# Key evidence lines become mappable items of this kind, coded E1, E2... (evidence_code).
EVIDENCE_KIND = "evidence"

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
VERSION_RE = re.compile(r"^(?P<base>.+?)(?P<version>[vV]\d+)$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


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


def evidence_code(line_code: str, position: int) -> str:
    """The code of a key evidence item: E + the line's number, or E + its position when the
    line has no plain number. The data migration `coverage_targets` repeats this rule."""
    return f"E{line_code}" if line_code.isdigit() else f"E{position}"
