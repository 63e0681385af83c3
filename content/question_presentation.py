"""A question as a trainee sees it: text, choices and input names, and nothing that tells
which option is right (no correctness flags, no feedback, no option ids: every choice is
named by its position in the order this trainee was shown).

Used by the admin preview (a bank question and its options) and by the attempt page (the
frozen question version an attempt drew, which reads the same), so both show the same
thing."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    value: str  # the position in the order shown, as posted back by the form
    text: str


@dataclass
class Row:
    """A matching row (left text + select of right texts) or an ordering item."""

    name: str
    text: str
    selected: str = ""


@dataclass
class PresentedQuestion:
    slot: int
    qtype: str
    text: str
    name: str
    points: str
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    row_choices: list[Choice] = field(default_factory=list)
    unit: str = ""
    selected: list[str] = field(default_factory=list)  # chosen choice values
    text_value: str = ""  # numeric or written answer as typed
    locked: bool = False  # checked under the "immediately" review policy


def present_question(question, options, *, slot: int, right_options=None) -> PresentedQuestion:
    """`options` in the order this trainee sees them; `right_options` the (shuffled) order of
    the right-hand column of a matching question (defaults to options sorted by their text,
    which says nothing about the pairs)."""
    name = f"q{slot}"
    item = PresentedQuestion(
        slot=slot,
        qtype=question.qtype,
        text=question.text,
        name=name,
        points=f"{question.points.normalize():f}" if question.points is not None else "",
        unit=question.numeric_unit,
    )
    if question.qtype in {"single", "multiple"}:
        item.choices = [Choice(str(i), option.text) for i, option in enumerate(options)]
    elif question.qtype == "matching":
        right = right_options
        if right is None:
            right = sorted(options, key=lambda option: option.match_text)
        item.rows = [Row(f"{name}-{i}", option.text) for i, option in enumerate(options)]
        item.row_choices = [Choice(str(i), option.match_text) for i, option in enumerate(right)]
    elif question.qtype == "ordering":
        item.rows = [Row(f"{name}-{i}", option.text) for i, option in enumerate(options)]
        item.row_choices = [Choice(str(i + 1), str(i + 1)) for i in range(len(options))]
    return item
