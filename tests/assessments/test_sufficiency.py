"""assessments.sufficiency without a database: judging an indicator's evidence against the
course's rule."""

from datetime import date

from assessments.sufficiency import (
    NOT_SATISFACTORY,
    PENDING,
    SATISFACTORY,
    STALE,
    EvidenceHit,
    Rule,
    judge_indicator,
)

PERFORMANCE = frozenset({"observation", "role_play", "portfolio"})
KNOWLEDGE = frozenset({"questioning"})
ON = date(2026, 3, 1)


def judge(hits, rule=None):
    return judge_indicator(
        "T2.1", hits, rule or Rule(), performance_methods=PERFORMANCE, knowledge_methods=KNOWLEDGE
    )


def hit(method, status=SATISFACTORY):
    return EvidenceHit(method, status, "label", ON)


def test_met_with_performance_and_knowledge():
    verdict = judge([hit("observation"), hit("questioning")])
    assert verdict.performance_ok and verdict.knowledge_ok and verdict.any_ok
    assert verdict.gaps == ()


def test_each_missing_kind_is_a_gap_naming_the_indicator():
    verdict = judge([hit("questioning")])
    assert not verdict.performance_ok and verdict.knowledge_ok
    assert len(verdict.gaps) == 1 and "T2.1" in verdict.gaps[0]
    assert len(judge([]).gaps) == 2


def test_only_satisfactory_evidence_counts():
    hits = [hit("observation", s) for s in (NOT_SATISFACTORY, PENDING, STALE)]
    verdict = judge([*hits, hit("questioning", STALE)])
    assert not verdict.any_ok and len(verdict.gaps) == 2


def test_a_rule_that_requires_neither_still_needs_some_evidence():
    lenient = Rule(require_knowledge_check=False, require_performance_method=False)
    assert len(judge([], lenient).gaps) == 1
    assert judge([hit("customer_feedback")], lenient).gaps == ()


def test_rule_for_course_and_oldest_allowed():
    assert Rule.for_course(None) == Rule()

    class Course:
        require_knowledge_check = False
        require_performance_method = True
        evidence_max_age_months = 6
        min_methods_per_indicator = 3
        min_performance_occasions = 2

    rule = Rule.for_course(Course())
    assert rule == Rule(False, True, 6, min_methods=3, min_performance_occasions=2)
    assert rule.oldest_allowed(date(2026, 7, 1)) == date(2025, 12, 30)  # 6 × 30.44 days


def test_sufficiency_needs_the_number_of_different_methods_the_course_sets():
    strict = Rule(min_methods=3)
    hits = [hit("observation"), hit("observation"), hit("questioning")]
    verdict = judge(hits, strict)
    methods = next(c for c in verdict.checks if c.rule == "methods")
    assert not methods.met and "2" in methods.gap and "3" in methods.gap
    assert verdict.gaps == (methods.gap,)
    assert judge([*hits, hit("role_play")], strict).gaps == ()


def test_performance_evidence_must_come_from_occasions_on_different_dates():
    rule = Rule(min_performance_occasions=2)
    same_day = [hit("observation"), hit("role_play"), hit("questioning")]
    verdict = judge(same_day, rule)
    occasions = next(c for c in verdict.checks if c.rule == "occasions")
    assert not occasions.met and verdict.gaps == (occasions.gap,)
    later = EvidenceHit("observation", SATISFACTORY, "second visit", date(2026, 4, 2))
    verdict = judge([*same_day, later], rule)
    assert verdict.gaps == ()
    assert "second visit" in next(c for c in verdict.checks if c.rule == "occasions").by
    # Knowledge checks on other dates are not performance occasions.
    quiz_later = EvidenceHit("questioning", SATISFACTORY, "quiz", date(2026, 5, 1))
    assert judge([*same_day, quiz_later], rule).gaps != ()


def test_each_rule_says_what_meets_it_and_stale_evidence_is_shown_as_not_current():
    old = EvidenceHit("observation", STALE, "last year's visit", ON)
    verdict = judge([old, hit("questioning")])
    by_rule = {c.rule: c for c in verdict.checks}
    assert by_rule["knowledge"].met and by_rule["knowledge"].by == ("label",)
    assert not by_rule["performance"].met
    assert by_rule["currency"].by == ("last year's visit",) and by_rule["currency"].gap == ""
    assert len(verdict.gaps) == 1
    assert all(c.label for c in verdict.checks)


def test_unvalidated_evidence_counts_for_nothing_and_says_why():
    from assessments.sufficiency import AUTHENTICITY, UNVALIDATED, VALIDITY

    on = date(2026, 11, 1)
    hits = [
        EvidenceHit("role_play", UNVALIDATED, "角色扮演 (腳本未確認效度)", on, 1, "recorded by A"),
        EvidenceHit("questioning", "satisfactory", "口頭提問", on, 2, "recorded by A"),
    ]
    verdict = judge_indicator(
        "T1.1",
        hits,
        Rule(),
        performance_methods=frozenset({"role_play", "observation"}),
        knowledge_methods=frozenset({"questioning"}),
    )
    assert not verdict.performance_ok and verdict.gaps
    rules = {c.rule: c for c in verdict.checks}
    assert not rules[VALIDITY].met and rules[VALIDITY].by == ("角色扮演 (腳本未確認效度)",)
    assert rules[AUTHENTICITY].met and rules[AUTHENTICITY].by == ("recorded by A",)


def test_evidence_waiting_for_judgement_fails_authenticity_while_nothing_counts():
    from assessments.sufficiency import AUTHENTICITY, PENDING

    hits = [EvidenceHit("portfolio", PENDING, "上傳：月報", date(2026, 11, 1), 3)]
    verdict = judge_indicator(
        "T4.1",
        hits,
        Rule(require_knowledge_check=False),
        performance_methods=frozenset({"portfolio"}),
        knowledge_methods=frozenset({"questioning"}),
    )
    check = next(c for c in verdict.checks if c.rule == AUTHENTICITY)
    assert not check.met and check.by == ("上傳：月報",)
