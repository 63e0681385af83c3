"""Moodle XML question files, read and written with the standard library's ElementTree;
untrusted files are parsed with defusedxml (no DTD, no entity expansion). Pure: no
database; the import service (importer.py) checks the result against the bank.

Mapping (Moodle type ↔ ours):

- ``multichoice`` with ``<single>true</single>`` ↔ single choice (exactly one answer with
  credit); with ``false`` ↔ multiple response: answers with credit are correct; the
  negative fraction of a wrong answer is our penalty (penalty × 100 / correct answers).
- ``truefalse`` ↔ true / false (the answer worth 100 %).
- ``numerical`` ↔ numeric: the 100 % answer, its ``<tolerance>``, the unit of multiplier 1.
- ``matching`` ↔ matching: each ``<subquestion>`` and its answer is a pair (Moodle's extra
  wrong answers, subquestions without text, are refused: we have no distractors).
- ``ordering`` (the qtype_ordering plugin's format) ↔ ordering: the answers in their
  correct order (by fraction, else as written); ``<gradingtype>-1</gradingtype>`` is all
  or nothing, anything else proportional.
- ``essay`` ↔ short written answer (marked by a person): ``<graderinfo>`` holds the model
  answer, then the marking rubric as lines ``[points] criterion``; an essay with no such
  lines gets one criterion worth the question's points.
- ``shortanswer`` is refused, with the reason: Moodle marks it automatically against answer
  patterns, which our bank cannot do, and turning it into a hand-marked question silently
  would change how trainees are scored. ``category`` entries are skipped; every other type
  is refused by name.

Tags carry what Moodle has no field for: ``indicator:T1.1`` (a behaviour indicator of the
unit chosen at import), ``item:K1`` (a knowledge or skill item), ``difficulty:easy`` (easy,
medium, hard) and ``scoring:all-or-nothing`` / ``scoring:proportional``; other tags are
kept as tags. The question's code is ``<idnumber>``, else its ``<name>`` made a slug, else
derived from its text. Question text is HTML in Moodle and plain text here: ``<br>`` and
paragraphs become line breaks, other markup is dropped."""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError as ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.text import slugify
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 500

# Our question types (content.models.questions.QuestionType values; this module stays pure).
SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC = "single", "multiple", "true_false", "numeric"
MATCHING, ORDERING, WRITTEN = "matching", "ordering", "written"
ALL_OR_NOTHING, PROPORTIONAL = "all_or_nothing", "proportional"
DIFFICULTIES = ("easy", "medium", "hard")
SUPPORTED_MOODLE_TYPES = ("multichoice", "truefalse", "numerical", "matching", "ordering", "essay")
CODE_MAX = 40
RUBRIC_LINE = re.compile(r"^\[(?P<points>[0-9]+(?:\.[0-9]+)?)\]\s+(?P<text>\S.*)$")


class MoodleXMLError(Exception):
    """The file as a whole cannot be read (not XML, not a Moodle quiz, too large, empty)."""


@dataclass
class OptionData:
    text: str
    is_correct: bool = False
    match_text: str = ""
    feedback: str = ""


@dataclass
class CriterionData:
    text: str
    points: Decimal


@dataclass
class QuestionData:
    code: str
    qtype: str
    text: str
    difficulty: str = "medium"
    points: Decimal = Decimal("1")
    partial_credit: str = ALL_OR_NOTHING
    penalty: Decimal = Decimal("1")
    true_false_answer: bool = True
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal("0")
    numeric_unit: str = ""
    model_answer: str = ""
    feedback: str = ""
    options: list[OptionData] = field(default_factory=list)
    rubric: list[CriterionData] = field(default_factory=list)
    indicator_codes: list[str] = field(default_factory=list)
    item_codes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class ParsedQuestion:
    """One question of the file: its position (1-based, categories not counted), the name
    Moodle gave it, Moodle's type, and either its data or why it cannot be imported."""

    number: int
    name: str
    moodle_type: str
    data: QuestionData | None = None
    errors: list[str] = field(default_factory=list)


# --- text


def html_to_text(value: str, fmt: str = "html") -> str:
    value = (value or "").replace("\r\n", "\n")
    if fmt in ("plain_text", "moodle_auto_format", "markdown"):
        return value.strip()
    value = re.sub(r"(?i)<br\s*/?>", "\n", value)
    value = re.sub(r"(?i)</p>\s*<p[^>]*>", "\n\n", value)
    value = re.sub(r"<[^>]*>", "", value)
    return html.unescape(value).strip()


def text_to_html(value: str) -> str:
    value = (value or "").replace("\r\n", "\n")
    return "<p>" + html.escape(value, quote=False).replace("\n", "<br>") + "</p>"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# --- reading


def _child_text(element: ET.Element, path: str) -> tuple[str, str]:
    """(text, format) of `<path format="..."><text>...</text></path>`."""
    node = element.find(path)
    if node is None:
        return "", "html"
    text_node = node.find("text")
    raw = text_node.text if text_node is not None else node.text
    return raw or "", node.get("format", "html")


def _plain(element: ET.Element, path: str) -> str:
    return html_to_text(*_child_text(element, path))


def _flag(element: ET.Element, path: str, default: str = "") -> str:
    node = element.find(path)
    return ((node.text if node is not None else None) or default).strip().lower()


def _answers(element: ET.Element) -> list[tuple[Decimal, str, str]]:
    """(fraction, text, feedback) of each <answer>; an unreadable fraction counts as 0."""
    found = []
    for answer in element.findall("answer"):
        fraction = _decimal(answer.get("fraction")) or Decimal("0")
        text_node = answer.find("text")
        text = html_to_text(
            text_node.text if text_node is not None else "", answer.get("format", "html")
        )
        found.append((fraction, text, _plain(answer, "feedback")))
    return found


def _code(element: ET.Element, name: str, text: str) -> str:
    for candidate in (_flag(element, "idnumber"), name):
        code = slugify(candidate or "")[:CODE_MAX].strip("-")
        if code:
            return code
    return "moodle-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _read_tags(element: ET.Element, data: QuestionData, errors: list[str]) -> None:
    scoring = None
    for tag in element.findall("tags/tag"):
        text_node = tag.find("text")
        value = ((text_node.text if text_node is not None else tag.text) or "").strip()
        if not value:
            continue
        prefix, _sep, rest = value.partition(":")
        prefix, rest = prefix.strip().lower(), rest.strip()
        if prefix == "indicator" and rest:
            data.indicator_codes.append(rest)
        elif prefix == "item" and rest:
            data.item_codes.append(rest)
        elif prefix == "difficulty":
            if rest.lower() not in DIFFICULTIES:
                errors.append(
                    _("Unknown difficulty “%(value)s”: use easy, medium or hard.") % {"value": rest}
                )
            else:
                data.difficulty = rest.lower()
        elif prefix == "scoring" and rest.lower() in ("all-or-nothing", "proportional"):
            scoring = ALL_OR_NOTHING if rest.lower() == "all-or-nothing" else PROPORTIONAL
        else:
            data.tags.append(value[:100])
    if scoring is not None:
        data.partial_credit = scoring


def _read_multichoice(element, data: QuestionData, errors: list[str]) -> None:
    answers = _answers(element)
    single = _flag(element, "single", "true") in ("true", "1")
    data.qtype = SINGLE if single else MULTIPLE
    data.options = [OptionData(text=t, is_correct=f > 0, feedback=fb) for f, t, fb in answers]
    correct = [f for f, _t, _fb in answers if f > 0]
    if len(answers) < 2:
        errors.append(_("A choice question needs at least two answers."))
    if single and len(correct) != 1:
        errors.append(
            _(
                "A single-choice question needs exactly one answer with credit; this one "
                "gives credit to %(count)s."
            )
            % {"count": len(correct)}
        )
    if not single:
        if not correct:
            errors.append(_("No answer gives credit: mark at least one answer as correct."))
            return
        data.partial_credit = PROPORTIONAL
        wrong = [f for f, _t, _fb in answers if f < 0]
        penalty = -min(wrong) * len(correct) / 100 if wrong else Decimal("0")
        data.penalty = min(max(penalty, Decimal("0")), Decimal("1")).quantize(Decimal("0.001"))


def _read_truefalse(element, data: QuestionData, errors: list[str]) -> None:
    data.qtype = TRUE_FALSE
    right = [t.strip().lower() for f, t, _fb in _answers(element) if f >= 100]
    if len(right) != 1 or right[0] not in ("true", "false"):
        errors.append(_("The true / false question has no answer worth 100 % (true or false)."))
        return
    data.true_false_answer = right[0] == "true"


def _read_numerical(element, data: QuestionData, errors: list[str]) -> None:
    data.qtype = NUMERIC
    for answer in element.findall("answer"):
        fraction = _decimal(answer.get("fraction")) or Decimal("0")
        text_node = answer.find("text")
        value = _decimal(text_node.text if text_node is not None else "")
        if fraction >= 100 and value is not None:
            data.numeric_answer = value
            tolerance = _decimal(_flag(answer, "tolerance", "0")) or Decimal("0")
            data.numeric_tolerance = abs(tolerance)
            break
    if data.numeric_answer is None:
        errors.append(_("The numeric question has no answer worth 100 % that is a number."))
    for unit in element.findall("units/unit"):
        if _decimal(_flag(unit, "multiplier", "1")) == Decimal("1"):
            node = unit.find("unit_name")
            data.numeric_unit = ((node.text if node is not None else "") or "").strip()[:20]
            break


def _read_matching(element, data: QuestionData, errors: list[str]) -> None:
    data.qtype = MATCHING
    data.partial_credit = PROPORTIONAL
    for sub in element.findall("subquestion"):
        text_node = sub.find("text")
        left = html_to_text(text_node.text if text_node is not None else "", sub.get("format"))
        right = _child_text(sub, "answer")[0].strip()  # plain text in Moodle
        if not left:
            errors.append(
                _(
                    "Answer “%(answer)s” matches no subquestion (an extra wrong answer): this "
                    "bank's matching questions have no distractors."
                )
                % {"answer": right}
            )
            continue
        if not right:
            errors.append(_("Subquestion “%(text)s” has no answer.") % {"text": left})
        data.options.append(OptionData(text=left, match_text=right))
    if len(data.options) < 2:
        errors.append(_("A matching question needs at least two pairs."))


def _read_ordering(element, data: QuestionData, errors: list[str]) -> None:
    data.qtype = ORDERING
    grading = _flag(element, "gradingtype", "0")
    data.partial_credit = ALL_OR_NOTHING if grading == "-1" else PROPORTIONAL
    answers = list(enumerate(_answers(element)))
    answers.sort(key=lambda item: (item[1][0], item[0]))
    data.options = [OptionData(text=t, feedback=fb) for _i, (_f, t, fb) in answers]
    if len(data.options) < 2:
        errors.append(_("An ordering question needs at least two items."))


def _read_essay(element, data: QuestionData, errors: list[str]) -> None:
    data.qtype = WRITTEN
    lines = _plain(element, "graderinfo").split("\n")
    rubric: list[CriterionData] = []
    while lines and (match := RUBRIC_LINE.match(lines[-1].strip())):
        rubric.insert(0, CriterionData(text=match["text"][:500], points=Decimal(match["points"])))
        lines.pop()
    data.model_answer = "\n".join(lines).strip()
    if not data.model_answer:
        errors.append(
            _(
                "The essay question has no model answer: Moodle's “information for graders” "
                "is what a marker looks for here."
            )
        )
    data.rubric = rubric or [
        CriterionData(text=_("Agrees with the model answer"), points=data.points)
    ]


_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "essay": _read_essay,
}


def _parse_question(number: int, element: ET.Element) -> ParsedQuestion:
    moodle_type = element.get("type", "")
    name = _child_text(element, "name")[0].strip()  # plain text in Moodle
    item = ParsedQuestion(number=number, name=name, moodle_type=moodle_type)
    if moodle_type == "shortanswer":
        item.errors.append(
            _(
                "Short-answer questions are not imported: Moodle marks them automatically "
                "against answer patterns, which this bank cannot do. Make it an essay question "
                "(marked by a person) or a choice question in Moodle and export it again."
            )
        )
        return item
    reader = _READERS.get(moodle_type)
    if reader is None:
        item.errors.append(
            _(
                "Moodle question type “%(type)s” is not supported: only multichoice, truefalse, "
                "numerical, matching, ordering and essay."
            )
            % {"type": moodle_type or "?"}
        )
        return item
    text = _plain(element, "questiontext")
    data = QuestionData(code=_code(element, name, text), qtype="", text=text)
    errors = item.errors
    if not text:
        errors.append(_("The question has no text."))
    points = _decimal(_flag(element, "defaultgrade", "1"))
    if points is None or points <= 0:
        errors.append(_("The question's default mark must be a number above 0."))
    else:
        data.points = points.quantize(Decimal("0.01"))
    data.feedback = _plain(element, "generalfeedback")
    reader(element, data, errors)
    _read_tags(element, data, errors)
    item.data = data
    return item


def parse(data: bytes) -> list[ParsedQuestion]:
    """The questions of a Moodle XML file, each with its data or its errors. Raises
    MoodleXMLError when the file itself cannot be read."""
    if len(data) > MAX_BYTES:
        raise MoodleXMLError(_("The file is larger than 2 MB."))
    try:
        root = safe_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise MoodleXMLError(
            _("The file declares a DTD or entities, which are refused for safety.")
        ) from None
    except ExpatError as exc:
        raise MoodleXMLError(
            _("The file is not well-formed XML (%(error)s).") % {"error": exc}
        ) from None
    if root.tag != "quiz":
        raise MoodleXMLError(
            _("This is not a Moodle XML question file: its outer element must be <quiz>.")
        )
    elements = [el for el in root.findall("question") if el.get("type") != "category"]
    if not elements:
        raise MoodleXMLError(_("The file holds no questions."))
    if len(elements) > MAX_QUESTIONS:
        raise MoodleXMLError(
            _("The file holds more than %(max)s questions: split it.") % {"max": MAX_QUESTIONS}
        )
    return [_parse_question(number, el) for number, el in enumerate(elements, start=1)]


# --- writing


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _text_node(parent: ET.Element, tag: str, value: str, fmt: str = "html") -> ET.Element:
    node = _sub(parent, tag, format=fmt)
    _sub(node, "text", text_to_html(value) if fmt == "html" and value else value)
    return node


def _answer(parent, fraction: Decimal | int, text: str, feedback: str = "", fmt="html"):
    node = _sub(parent, "answer", fraction=_number(Decimal(fraction)), format=fmt)
    _sub(node, "text", text_to_html(text) if fmt == "html" else text)
    _text_node(node, "feedback", feedback)
    return node


def _write_choices(node, q: QuestionData) -> None:
    single = q.qtype == SINGLE
    _sub(node, "single", "true" if single else "false")
    _sub(node, "shuffleanswers", "true")
    _sub(node, "answernumbering", "abc")
    correct = sum(1 for o in q.options if o.is_correct) or 1
    right = Decimal(100) if single else (Decimal(100) / correct).quantize(Decimal("0.00001"))
    wrong = (
        Decimal(0) if single else (-Decimal(100) * q.penalty / correct).quantize(Decimal("0.00001"))
    )
    for option in q.options:
        _answer(node, right if option.is_correct else wrong, option.text, option.feedback)


def _write_question(q: QuestionData) -> ET.Element:
    moodle_type = {
        SINGLE: "multichoice",
        MULTIPLE: "multichoice",
        TRUE_FALSE: "truefalse",
        NUMERIC: "numerical",
        MATCHING: "matching",
        ORDERING: "ordering",
        WRITTEN: "essay",
    }[q.qtype]
    node = ET.Element("question", type=moodle_type)
    _sub(_sub(node, "name"), "text", q.code)
    _text_node(node, "questiontext", q.text)
    _text_node(node, "generalfeedback", q.feedback)
    _sub(node, "defaultgrade", _number(q.points))
    _sub(node, "penalty", "0")
    _sub(node, "hidden", "0")
    _sub(node, "idnumber", q.code)
    if q.qtype in (SINGLE, MULTIPLE):
        _write_choices(node, q)
    elif q.qtype == TRUE_FALSE:
        _answer(node, 100 if q.true_false_answer else 0, "true", fmt="moodle_auto_format")
        _answer(node, 0 if q.true_false_answer else 100, "false", fmt="moodle_auto_format")
    elif q.qtype == NUMERIC:
        answer = _answer(node, 100, _number(q.numeric_answer), fmt="moodle_auto_format")
        _sub(answer, "tolerance", _number(q.numeric_tolerance))
        if q.numeric_unit:
            unit = _sub(_sub(node, "units"), "unit")
            _sub(unit, "multiplier", "1")
            _sub(unit, "unit_name", q.numeric_unit)
        _sub(node, "unitgradingtype", "0")
        _sub(node, "showunits", "3")
    elif q.qtype == MATCHING:
        _sub(node, "shuffleanswers", "true")
        for option in q.options:
            sub = _sub(node, "subquestion", format="html")
            _sub(sub, "text", text_to_html(option.text))
            _sub(_sub(sub, "answer"), "text", option.match_text)
    elif q.qtype == ORDERING:
        _sub(node, "layouttype", "VERTICAL")
        _sub(node, "selecttype", "ALL")
        _sub(node, "selectcount", "0")
        _sub(node, "gradingtype", "-1" if q.partial_credit == ALL_OR_NOTHING else "0")
        _sub(node, "showgrading", "SHOW")
        _sub(node, "numberingstyle", "none")
        for position, option in enumerate(q.options, start=1):
            _answer(node, position, option.text, option.feedback)
    elif q.qtype == WRITTEN:
        _sub(node, "responseformat", "editor")
        _sub(node, "responserequired", "1")
        _sub(node, "responsefieldlines", "10")
        _sub(node, "attachments", "0")
        rubric = "\n".join(f"[{_number(c.points)}] {c.text}" for c in q.rubric)
        info = q.model_answer + ("\n\n" + rubric if rubric else "")
        _text_node(node, "graderinfo", info, fmt="plain_text")
        _text_node(node, "responsetemplate", "")
    tags = [f"indicator:{code}" for code in q.indicator_codes]
    tags += [f"item:{code}" for code in q.item_codes]
    tags.append(f"difficulty:{q.difficulty}")
    if q.qtype in (MULTIPLE, MATCHING, ORDERING):
        tags.append(
            "scoring:all-or-nothing"
            if q.partial_credit == ALL_OR_NOTHING
            else "scoring:proportional"
        )
    tags += q.tags
    tags_node = _sub(node, "tags")
    for tag in tags:
        _sub(_sub(tags_node, "tag"), "text", tag)
    return node


def build(questions: Iterable[QuestionData]) -> bytes:
    """A Moodle XML file (UTF-8) of `questions`."""
    root = ET.Element("quiz")
    for question in questions:
        root.append(_write_question(question))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
