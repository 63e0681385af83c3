"""Per-row results of the assessor workspace: one result and one comment for each row of a
list (an observation checklist, a unit's indicators, the oral questions, an evidence
record's lines). Fields are named `r_<key>` and `c_<key>` (`a_<key>` for an answer), as the
templates post them and the observation draft autosaves them.

Nothing here is refused, so a form always validates: a result that is not an ItemResult,
or none, counts as the row's default (the row was left alone), and free text is cut at its
limit."""

from collections.abc import Iterable

from django import forms

from assessments.models.evidence import ItemResult

COMMENT_LIMIT = 2000
ANSWER_LIMIT = 4000


class ResultField(forms.ChoiceField):
    def __init__(self, *, default: str | None, **kwargs):
        super().__init__(choices=ItemResult.choices, required=False, **kwargs)
        self.default = default

    def clean(self, value) -> str | None:
        return value if value in ItemResult.values else self.default


class ClippedCharField(forms.CharField):
    """Text kept as typed (not stripped), cut at `limit` characters."""

    def __init__(self, *, limit: int, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.limit = limit

    def clean(self, value) -> str:
        return self.to_python(value)[: self.limit]


def posted_unknown_keys(data, known: set[str]) -> list[str]:
    """Rows a form posted that the page's list does not have (a stale page or a forged
    POST), so the service refuses them rather than the view dropping them unseen."""
    return [
        name[2:][:40]
        for name in list(data)[:1000]
        if name.startswith("r_") and name[2:] not in known
    ][:50]


class ItemResultsForm(forms.Form):
    """`keys` name the rows (a checklist entry's key, an indicator's or a question's pk).
    Bound to the posted data, or unbound with `initial` (e.g. an observation draft)."""

    default: str | None = ItemResult.NOT_OBSERVED
    with_comments = True
    with_answers = False

    def __init__(self, data=None, *, keys: Iterable[object], initial: dict | None = None):
        super().__init__(data, initial=initial)
        self.keys = [str(key) for key in keys]
        for key in self.keys:
            if self.with_answers:
                self.fields[f"a_{key}"] = ClippedCharField(limit=ANSWER_LIMIT)
            self.fields[f"r_{key}"] = ResultField(default=self.default)
            if self.with_comments:
                self.fields[f"c_{key}"] = ClippedCharField(limit=COMMENT_LIMIT)

    def result(self, key: object) -> str | None:
        return self._cleaned()[f"r_{key}"]

    def comment(self, key: object) -> str:
        return self._cleaned()[f"c_{key}"]

    def answer(self, key: object) -> str:
        return self._cleaned()[f"a_{key}"]

    def shown(self, key: object) -> dict[str, str]:
        """A row as the page shows it again: what was posted (or the draft holds), else the
        default."""
        source = self.data if self.is_bound else self.initial
        return {
            "result": source.get(f"r_{key}", self.default),
            "comment": source.get(f"c_{key}", ""),
        }

    def _cleaned(self) -> dict:
        if not self.is_valid():  # unbound: there is nothing to read
            raise ValueError(f"{type(self).__name__} is not bound to posted data")
        return self.cleaned_data


class OralAnswersForm(ItemResultsForm):
    """Oral questioning: the trainee's answer, the judgement and a comment per question."""

    with_answers = True


class CorrectedResultsForm(ItemResultsForm):
    """A correction: a result per line of the original record; a line whose result is not
    an ItemResult keeps its own (`result()` is None)."""

    default = None
    with_comments = False
