"""The per-row results forms: field names as the templates post them, unknown results count
as the row's default, long text is cut, and nothing is ever refused."""

from django.http import QueryDict

from assessments.forms.results import (
    COMMENT_LIMIT,
    CorrectedResultsForm,
    ItemResultsForm,
    OralAnswersForm,
)
from assessments.models.evidence import ItemResult


def _posted(**data) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(data)
    return query


def test_fields_are_named_per_row():
    assert list(ItemResultsForm(keys=["i1", 7]).fields) == ["r_i1", "c_i1", "r_7", "c_7"]
    assert list(OralAnswersForm(keys=[3]).fields) == ["a_3", "r_3", "c_3"]
    assert list(CorrectedResultsForm(keys=[3]).fields) == ["r_3"]


def test_unknown_or_missing_results_are_the_default_and_text_is_cut():
    form = ItemResultsForm(
        _posted(r_1="satisfactory", r_2="bogus", c_1="x" * (COMMENT_LIMIT + 5), c_2=" 好 "),
        keys=[1, 2, 3],
    )
    assert form.is_valid()
    assert [form.result(k) for k in (1, 2, 3)] == [
        ItemResult.SATISFACTORY,
        ItemResult.NOT_OBSERVED,
        ItemResult.NOT_OBSERVED,
    ]
    assert len(form.comment(1)) == COMMENT_LIMIT
    assert form.comment(2) == " 好 " and form.comment(3) == ""


def test_a_correction_keeps_lines_without_a_valid_result():
    form = CorrectedResultsForm(_posted(r_1="not_satisfactory", r_2="bogus"), keys=[1, 2])
    assert (form.result(1), form.result(2)) == (ItemResult.NOT_SATISFACTORY, None)


def test_rows_show_what_was_posted_or_the_draft_holds():
    posted = ItemResultsForm(_posted(r_1="bogus", c_1="說明"), keys=[1, 2])
    assert posted.shown(1) == {"result": "bogus", "comment": "說明"}
    assert posted.shown(2) == {"result": ItemResult.NOT_OBSERVED, "comment": ""}
    draft = ItemResultsForm(keys=[1], initial={"r_1": "satisfactory"})
    assert draft.shown(1) == {"result": "satisfactory", "comment": ""}
