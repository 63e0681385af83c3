"""Check the zh-Hant catalogue (and the fragments, and the templates) for the terminology and
punctuation the language pass settled (issue 16). No Django needed.

    .venv/bin/python scripts/check_terms.py            # prints violations, exits 1 if any
    .venv/bin/python scripts/check_terms.py FILE.po    # only these catalogues

Rules, each one word per concept:
- lesson and course are different words: 課堂 for a lesson, 課程 for a course (a msgid that
  speaks of lessons and not of courses has no 課程 in its translation, and the reverse);
- Competent is 適任, Not Yet Competent 尚未適任 (never 具備能力 or 不適任); the assessor is
  評量人員 (the catalogue's word; never 評審 or 評估員); a role play is 情境演練;
- no raw method codes (``role_play``, ``questioning``...) in a translation or printed by a
  template (use the method's label, e.g. ``get_assessment_method_display``);
- full-width punctuation in Chinese: no half-width , : ; ? ! ( ) next to a CJK character
  (placeholders such as %(name)s, template variables, URLs, codes, numbers and times such as
  12:30 are left alone, and yesno strings such as "met,not met" keep their commas).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
FRAGMENTS = ROOT / "locale" / "fragments"
TEMPLATES = ROOT / "templates"

# The fixed vocabulary of content.models.framework.AssessmentMethod (kept here: no Django).
METHOD_CODES = ("observation", "role_play", "customer_feedback", "questioning", "portfolio")

# Words that must not appear in a translation, with the word to use instead.
FORBIDDEN = {
    "具備能力": "適任",
    "不適任": "尚未適任",
    "評審": "評量人員",
    "評估員": "評量人員",
    "角色扮演情境": "情境演練",
}

CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
HALF_WIDTH = ",:;?!()"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_PUNCT_NEXT_TO_CJK = re.compile(
    rf"[{CJK}][{re.escape(HALF_WIDTH)}]|[{re.escape(HALF_WIDTH)}][{CJK}]"
)
# What is not prose: placeholders, template variables and tags, URLs, e-mail addresses.
_NOT_PROSE = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %(name)s, %(n)d
    r"|%[sdif]"
    r"|\{\{.*?\}\}|\{%.*?%\}|\{[a-zA-Z_0-9]*\}"  # {{ var }}, {% tag %}, {name}
    r"|https?://\S+|\S+@\S+\.\w+"
)
_LESSON = re.compile(r"\blessons?\b", re.IGNORECASE)
_COURSE = re.compile(r"\b(?:courses?|programmes?)\b", re.IGNORECASE)
_CODE_WORD = re.compile(r"(?<![\w-])(" + "|".join(METHOD_CODES) + r")(?![\w-])")
_RAW_METHOD_VAR = re.compile(r"\{\{\s*[\w.]+\.(?:method|assessment_method)\s*(?:\}\}|\|)")
_SNAKE_CODE = re.compile(
    r"(?<![\w-])(?:" + "|".join(c for c in METHOD_CODES if "_" in c) + r")(?![\w-])"
)
# What a template does not show as text: tags, comments, variables, translated msgids, HTML
# tags and their attributes, scripts.
_TEMPLATE_NOT_TEXT = re.compile(
    r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<script\b.*?</script>|<[^>]*>",
    re.DOTALL,
)


@dataclass(frozen=True)
class Violation:
    where: str  # file (and line)
    rule: str
    msgid: str
    text: str
    hint: str

    def __str__(self) -> str:
        return (
            f"{self.where}: [{self.rule}] {self.msgid[:70]!r} -> {self.text[:90]!r} ({self.hint})"
        )


def prose(text: str) -> str:
    """The text with placeholders, template variables and URLs taken out (each becomes a
    space, so what was on either side is not joined)."""
    return _NOT_PROSE.sub(" ", text)


def is_yesno(msgid: str, msgstr: str) -> bool:
    """A yesno filter's argument ("met,not met" / "已符合,未符合"): its commas are syntax."""
    commas = msgid.count(",")
    return 1 <= commas <= 2 and ", " not in msgid and msgstr.count(",") == commas


def check_msgstr(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    """(rule, hint) for each problem of one translation."""
    problems: list[tuple[str, str]] = []
    if not msgstr:
        return problems
    if _LESSON.search(msgid) and not _COURSE.search(msgid) and "課程" in msgstr:
        problems.append(("lesson-is-not-course", "a lesson is 課堂, a course 課程"))
    if _COURSE.search(msgid) and not _LESSON.search(msgid) and "課堂" in msgstr:
        problems.append(("course-is-not-lesson", "a course is 課程, a lesson 課堂"))
    for word, instead in FORBIDDEN.items():
        if word in msgstr:
            problems.append(("word", f"{word} -> {instead}"))
    text = prose(msgstr)
    for code in _CODE_WORD.findall(text):
        problems.append(("method-code", f"raw method code {code}: use its name in words"))
    if not is_yesno(msgid, msgstr):
        for match in _PUNCT_NEXT_TO_CJK.finditer(text):
            char = next(c for c in match.group(0) if c in HALF_WIDTH)
            problems.append(("half-width", f"{char!r} next to Chinese -> {FULL_WIDTH[char]}"))
    return problems


def check_po(path: Path) -> list[Violation]:
    out: list[Violation] = []
    try:
        rel = str(path.relative_to(ROOT))
    except ValueError:
        rel = str(path)
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "fuzzy" in entry.flags:  # fuzzy: a guess, never compiled
            continue
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        msgids = entry.msgid + (" " + entry.msgid_plural if entry.msgid_plural else "")
        for text in texts:
            for rule, hint in check_msgstr(msgids, text):
                out.append(Violation(f"{rel}:{entry.linenum}", rule, entry.msgid, text, hint))
    return out


def check_template(path: Path) -> list[Violation]:
    """A template printing a method field as it is (``{{ item.assessment_method }}``, not its
    ``get_..._display``), or a snake_case method code as visible text. English words inside
    translate tags are msgids, not codes."""
    out: list[Violation] = []
    rel = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    source = path.read_text(encoding="utf-8")

    def line_of(position: int) -> str:
        return f"{rel}:{source.count(chr(10), 0, position) + 1}"

    for match in _RAW_METHOD_VAR.finditer(source):
        out.append(
            Violation(line_of(match.start()), "method-code", "", match.group(0), "use the label")
        )
    visible = _TEMPLATE_NOT_TEXT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    for match in _SNAKE_CODE.finditer(visible):
        out.append(
            Violation(line_of(match.start()), "method-code", "", match.group(0), "use the label")
        )
    return out


def default_catalogues() -> list[Path]:
    return [CATALOGUE, *sorted(FRAGMENTS.glob("*.po"))]


def check_all(catalogues: list[Path] | None = None, templates: bool = True) -> list[Violation]:
    violations: list[Violation] = []
    for path in catalogues or default_catalogues():
        violations += check_po(path)
    if templates:
        for path in sorted(TEMPLATES.rglob("*.html")):
            violations += check_template(path)
    return violations


def main(argv: list[str]) -> int:
    paths = [Path(arg).resolve() for arg in argv]
    violations = check_all(paths or None, templates=not paths)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} terminology or punctuation problem(s).")
        return 1
    print("No terminology or punctuation problems.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
