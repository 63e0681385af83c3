"""content.scenario_graph without a database: validation, scores, drawing."""

import re

import pytest
from django.utils import translation

from content import scenario_graph as sg
from content.scenario_graph import Choice, Graph, Step


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; one test below checks the zh-Hant wording."""
    with translation.override("en"):
        yield


def test_messages_are_translated_to_traditional_chinese():
    graph = valid_graph()
    graph.steps.append(Step("orphan", text="沒人到得了"))
    with translation.override("zh-hant"):
        found = [p.message for p in sg.validate(graph)]
    assert any("orphan" in m and "無法到達" in m for m in found)


def valid_graph() -> Graph:
    return Graph(
        steps=[
            Step("start", text="點數不見了！", speaker="王先生", is_start=True),
            Step("check", kind="narration", text="你查詢系統。"),
            Step("good", kind="ending", text="顧客滿意。", rating="excellent"),
            Step("bad", kind="ending", text="顧客離開。", rating="poor"),
        ],
        choices=[
            Choice(1, "start", "check", "先道歉並傾聽", "很好", (("T2.1", 2),)),
            Choice(2, "start", "bad", "系統不會錯", "否定顧客", (("T2.1", -2),)),
            Choice(3, "check", "good", "在權限內補登", "正確", (("T3.1", 2),)),
            Choice(4, "check", "start", "再問一次", "繞回去", ()),
        ],
        claimed_codes=("T2.1", "T3.1"),
    )


def messages(graph, **kw) -> list[str]:
    return [p.message for p in sg.validate(graph, **kw)]


def test_valid_graph_has_no_problems():
    assert sg.validate(valid_graph(), known_codes=["T2.1", "T3.1"]) == []


def test_unreachable_step_is_named():
    g = valid_graph()
    g.steps.append(Step("orphan", text="沒人到得了", kind="ending", rating="poor"))
    problems = sg.validate(g)
    assert [p.step_key for p in problems] == ["orphan"]
    assert "orphan" in problems[0].message and "reached" in problems[0].message


def test_choice_to_missing_step_is_named():
    g = valid_graph()
    g.choices.append(Choice(5, "check", "nowhere", "去哪", "回饋"))
    msgs = messages(g)
    assert any("check" in m and "nowhere" in m and "missing" in m for m in msgs)


def test_dead_end_step_is_named():
    g = valid_graph()
    g.steps.append(Step("stuck", text="然後呢？"))
    g.choices.append(Choice(5, "check", "stuck", "嗯", "回饋"))
    msgs = messages(g)
    assert any("stuck" in m and "no choices" in m for m in msgs)


def test_loop_without_way_out_is_named():
    g = valid_graph()
    g.steps += [Step("a", text="A"), Step("b", text="B")]
    g.choices += [
        Choice(5, "check", "a", "進入迴圈", "回饋"),
        Choice(6, "a", "b", "A 到 B", "回饋"),
        Choice(7, "b", "a", "B 到 A", "回饋"),
    ]
    problems = sg.validate(g)
    looped = {p.step_key for p in problems if "loop" in p.message}
    assert looped == {"a", "b"}
    # the loop start -> check -> start has a way out, so it is fine
    assert not any(p.step_key in {"start", "check"} for p in problems)


def test_path_that_never_ends_outside_a_loop():
    g = valid_graph()
    g.steps += [Step("a", text="A"), Step("b", text="B"), Step("c", text="C")]
    g.choices += [
        Choice(5, "check", "a", "x", "f"),
        Choice(6, "a", "b", "y", "f"),
        Choice(7, "b", "c", "z", "f"),
        Choice(8, "c", "b", "w", "f"),
    ]
    problems = sg.validate(g)
    assert any(p.step_key == "a" and "no path reaches an ending" in p.message for p in problems)
    assert {p.step_key for p in problems if "loop" in p.message} == {"b", "c"}


def test_choice_without_feedback_is_named():
    g = valid_graph()
    g.choices[2] = Choice(3, "check", "good", "在權限內補登", "   ", (("T3.1", 2),))
    assert any("check" in m and "no feedback" in m for m in messages(g))


def test_claimed_indicator_never_scored():
    g = valid_graph()
    g.claimed_codes = ("T2.1", "T3.1", "T4.3")
    assert messages(g) == ["Indicator T4.3 is listed but no choice scores points for it."]


def test_scored_indicator_not_in_unit_or_not_claimed():
    g = valid_graph()
    g.choices[0] = Choice(1, "start", "check", "先道歉", "好", (("T2.1", 2), ("T9.9", 1)))
    assert any(
        "T9.9" in m and "not an indicator" in m for m in messages(g, known_codes=["T2.1", "T3.1"])
    )
    g.choices[0] = Choice(1, "start", "check", "先道歉", "好", (("T2.1", 2), ("T1.1", 1)))
    assert any("T1.1" in m and "does not list" in m for m in messages(g))


def test_exactly_one_start():
    g = valid_graph()
    g.steps[1] = Step("check", kind="narration", text="你查詢系統。", is_start=True)
    assert any("Only one step may be the start" in m and "check" in m for m in messages(g))
    g = valid_graph()
    g.steps[0] = Step("start", text="點數不見了！")
    assert "No step is marked as the start." in messages(g)


def test_ending_with_choices_and_without_rating():
    g = valid_graph()
    g.steps[2] = Step("good", kind="ending", text="顧客滿意。")
    g.choices.append(Choice(9, "good", "start", "再來", "f"))
    msgs = messages(g)
    assert any("good" in m and "rating" in m for m in msgs)
    assert any("good" in m and "closes the conversation" in m for m in msgs)


def test_duplicate_keys_and_empty_graph():
    g = valid_graph()
    g.steps.append(Step("check", kind="ending", text="重複", rating="poor"))
    assert any("check" in m and "used twice" in m for m in messages(g))
    assert messages(Graph()) == ["The scenario has no steps."]


def test_parse_and_format_scores():
    assert sg.parse_scores("T2.1:+2, t3.1: -1；T4.3 1") == [
        {"indicator": "T2.1", "points": 2},
        {"indicator": "T3.1", "points": -1},
        {"indicator": "T4.3", "points": 1},
    ]
    assert sg.parse_scores("") == []
    assert (
        sg.format_scores([{"indicator": "T2.1", "points": 2}, {"indicator": "T3.1", "points": -1}])
        == "T2.1:+2, T3.1:-1"
    )
    with pytest.raises(sg.ScoreSyntaxError, match="not a score"):
        sg.parse_scores("T2.1 很多")
    with pytest.raises(sg.ScoreSyntaxError, match="twice"):
        sg.parse_scores("T2.1:1, T2.1:2")


def test_scoring_best_choice_per_step_and_ties():
    a = Choice(1, "s", "t", scores=(("T2.1", 2),))
    b = Choice(2, "s", "t", scores=(("T3.1", 2),))
    c = Choice(3, "s", "t", scores=(("T2.1", -1), ("T4.3", -1)))
    maxima = sg.step_max_points([a, b, c])
    assert maxima == {"T2.1": 2, "T3.1": 2, "T4.3": 0, sg.TOTAL_KEY: 2}
    per, total = sg.score_summary([({"T3.1": 2}, maxima)])
    assert total == 100.0  # either of two good choices is full marks
    assert per["T3.1"]["percent"] == 100.0 and per["T2.1"]["percent"] == 0.0
    # Having taken one of the tied best choices, its own indicators are the measure.
    per, total = sg.score_summary([({"T3.1": 2}, sg.step_max_points([a, b, c], chosen=b))])
    assert total == 100.0 and per["T3.1"]["percent"] == 100.0 and per["T2.1"]["percent"] is None
    per, total = sg.score_summary(
        [({"T2.1": -1, "T4.3": -1}, sg.step_max_points([a, b, c], chosen=c))]
    )
    assert total == 0.0 and per["T4.3"]["percent"] is None


def test_render_svg_draws_steps_choices_and_rating_colours():
    svg = sg.render_svg(valid_graph())
    assert svg.startswith("<svg")
    assert svg.count('class="node"') == 4 and svg.count('class="edge"') == 4
    assert "先道歉並傾聽" in svg and "T2.1:+2" in svg
    assert sg.RATING_COLOURS["excellent"] in svg and sg.RATING_COLOURS["poor"] in svg


def test_render_svg_escapes_hostile_labels():
    g = valid_graph()
    g.steps[0] = Step("start", text='<script>alert(1)</script> "quoted" \\N \\G', is_start=True)
    g.choices[0] = Choice(1, "start", "check", '"]; evil -> x [label="', "f", (("T2.1", 2),))
    svg = sg.render_svg(g)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "evil" in svg  # drawn as text, not parsed as DOT
    assert svg.count('class="node"') == 4


def test_heatmap_widths_and_counts():
    svg = sg.render_svg(valid_graph(), counts={1: 8, 2: 2, 3: 5})
    assert "× 8 (80%)" in svg and "× 2 (20%)" in svg and "× 0" in svg
    widths = [float(w) for w in re.findall(r'stroke-width="([\d.]+)"', svg)]
    assert max(widths) == pytest.approx(8.0, abs=0.01)


def test_dot_escape():
    assert sg.dot_escape('a"b\\c\x00') == 'a\\"b\\\\c '
