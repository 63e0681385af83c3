"""The course's sufficiency rule and judging an indicator's evidence against it. Pure: plain
data in (evidence hits, the rule, which methods count as performance or knowledge), a
verdict out; no database, no models.

An indicator is met when it has satisfactory evidence of a performance method (observation,
role play, third-party report) and a passed knowledge check, as far as the course requires
each; a course that requires neither still needs some satisfactory evidence. Evidence older
than the rule allows is stale and counts for nothing; evidence gathered with an instrument
that no second assessor has validated (in the revision used) counts for nothing either.
Every piece of evidence says how its authenticity is established (observed by the assessor,
a supervisor's signed declaration verified by an assessor, judged by an assessor other than
the uploader, the trainee's own sign-in); what still waits for that judgement counts for
nothing until it is judged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from content.pages.course import CoursePage

# The status of one piece of evidence for one indicator.
SATISFACTORY = "satisfactory"
NOT_SATISFACTORY = "not_satisfactory"
PENDING = "pending"  # waiting for an assessor's judgement
STALE = "stale"  # satisfactory, but older than the rule allows
UNVALIDATED = "unvalidated"  # gathered with an instrument whose revision is not validated


@dataclass(frozen=True)
class Rule:
    require_knowledge_check: bool = True
    require_performance_method: bool = True
    evidence_max_age_months: int = 12
    # Sufficiency: satisfactory evidence from at least this many different methods, and
    # performance evidence (observation, role play, third-party report) from at least this
    # many occasions on different dates.
    min_methods: int = 1
    min_performance_occasions: int = 1

    @classmethod
    def for_course(cls, course: CoursePage | None) -> Rule:
        if course is None:
            return cls()
        return cls(
            require_knowledge_check=course.require_knowledge_check,
            require_performance_method=course.require_performance_method,
            evidence_max_age_months=course.evidence_max_age_months,
            min_methods=course.min_methods_per_indicator,
            min_performance_occasions=course.min_performance_occasions,
        )

    def oldest_allowed(self, today: date) -> date:
        return today - timedelta(days=round(self.evidence_max_age_months * 30.44))


@dataclass
class EvidenceHit:
    method: str
    status: str  # satisfactory / not_satisfactory / pending / stale
    label: str
    on: date
    evidence_id: int | None = None  # None for training evidence
    authentication: str = ""  # how its authenticity is established ("observed by 陳志明")


# The rules of evidence an indicator is judged by, in the order the profile shows them.
PERFORMANCE = "performance"
KNOWLEDGE = "knowledge"
METHODS = "methods"
OCCASIONS = "occasions"
CURRENCY = "currency"
VALIDITY = "validity"
AUTHENTICITY = "authenticity"
ANY = "any"
RULE_LABELS = {
    PERFORMANCE: gettext_lazy("Performance evidence"),
    KNOWLEDGE: gettext_lazy("Knowledge check"),
    METHODS: gettext_lazy("Different methods"),
    OCCASIONS: gettext_lazy("Different occasions"),
    CURRENCY: gettext_lazy("Currency"),
    VALIDITY: gettext_lazy("Validated instrument"),
    AUTHENTICITY: gettext_lazy("Authenticity"),
    ANY: gettext_lazy("Any satisfactory evidence"),
}


@dataclass(frozen=True)
class RuleCheck:
    """One rule of evidence for one indicator: whether it is met and by what evidence."""

    rule: str  # PERFORMANCE / KNOWLEDGE / METHODS / OCCASIONS / CURRENCY / VALIDITY /
    # AUTHENTICITY / ANY
    met: bool
    by: tuple[str, ...]  # labels of the evidence that meets it (or counts towards it)
    gap: str  # the sentence naming what is missing; "" when met (and for CURRENCY,
    # VALIDITY and AUTHENTICITY, which say why evidence shown does not count)

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.rule])


@dataclass(frozen=True)
class Verdict:
    performance_ok: bool
    knowledge_ok: bool
    any_ok: bool
    gaps: tuple[str, ...]  # what is missing, one sentence each; empty when the indicator is met
    checks: tuple[RuleCheck, ...] = ()


def _labels(hits: Iterable[EvidenceHit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(h.label for h in hits))


def judge_indicator(
    code: str,
    hits: Iterable[EvidenceHit],
    rule: Rule,
    *,
    performance_methods: frozenset[str],
    knowledge_methods: frozenset[str],
) -> Verdict:
    """Whether the evidence `hits` of indicator `code` meet `rule`, rule by rule, and what
    is missing. Only satisfactory evidence counts; stale evidence is shown as what fails the
    currency rule."""
    hits = list(hits)
    good = [h for h in hits if h.status == SATISFACTORY]
    methods = {h.method for h in good}
    performance = [h for h in good if h.method in performance_methods]
    knowledge = [h for h in good if h.method in knowledge_methods]
    checks: list[RuleCheck] = []

    def check(name: str, met: bool, by, gap: str) -> None:
        checks.append(RuleCheck(name, met, _labels(by), "" if met else gap))

    if rule.require_performance_method:
        check(
            PERFORMANCE,
            bool(performance),
            performance,
            _(
                "%(code)s: no satisfactory performance evidence (observation, role play or third-party report)"
            )
            % {"code": code},
        )
    if rule.require_knowledge_check:
        check(
            KNOWLEDGE,
            bool(knowledge),
            knowledge,
            _("%(code)s: no passed knowledge check (questioning or quiz)") % {"code": code},
        )
    if rule.min_methods > 1:
        check(
            METHODS,
            len(methods) >= rule.min_methods,
            good,
            _(
                "%(code)s: satisfactory evidence from %(have)d of the %(need)d different methods "
                "the course requires"
            )
            % {"code": code, "have": len(methods), "need": rule.min_methods},
        )
    if rule.require_performance_method and rule.min_performance_occasions > 1:
        dates = {h.on for h in performance}
        check(
            OCCASIONS,
            len(dates) >= rule.min_performance_occasions,
            performance,
            _(
                "%(code)s: performance evidence from %(have)d of the %(need)d occasions on "
                "different dates the course requires"
            )
            % {"code": code, "have": len(dates), "need": rule.min_performance_occasions},
        )
    # Shown, not gaps of their own: stale, unvalidated and unjudged evidence counts for
    # nothing, so the rules above already say what is missing; these say why the evidence
    # there does not count, and how the evidence that counts is authenticated.
    stale = [h for h in hits if h.status == STALE]
    if stale:
        checks.append(RuleCheck(CURRENCY, False, _labels(stale), ""))
    unvalidated = [h for h in hits if h.status == UNVALIDATED]
    if unvalidated:
        checks.append(RuleCheck(VALIDITY, False, _labels(unvalidated), ""))
    # Authenticity is met by the evidence that counts (each says how it is authenticated);
    # evidence still waiting for an assessor's judgement is what fails it while nothing else
    # counts.
    pending = [h for h in hits if h.status == PENDING]
    if good:
        ways = tuple(dict.fromkeys(h.authentication for h in good if h.authentication))
        checks.append(RuleCheck(AUTHENTICITY, True, ways, ""))
    elif pending:
        checks.append(RuleCheck(AUTHENTICITY, False, _labels(pending), ""))
    if not rule.require_performance_method and not rule.require_knowledge_check:
        check(ANY, bool(good), good, _("%(code)s: no satisfactory evidence") % {"code": code})
    # Sufficiency gaps (methods, occasions) are named once the evidence of each required
    # kind exists: before that they would only repeat what is missing.
    basic_gap = any(c.gap for c in checks if c.rule in (PERFORMANCE, KNOWLEDGE, ANY))
    if basic_gap:
        checks = [
            RuleCheck(c.rule, c.met, c.by, "") if c.rule in (METHODS, OCCASIONS) else c
            for c in checks
        ]
    return Verdict(
        performance_ok=bool(performance),
        knowledge_ok=bool(knowledge),
        any_ok=bool(good),
        gaps=tuple(c.gap for c in checks if c.gap),
        checks=tuple(checks),
    )


@dataclass(frozen=True)
class Summary:
    """What `judge_indicator` decides, without the sentences and the rule-by-rule checks:
    for judging a cohort's indicators at once (the dashboard's statuses and heat map)."""

    performance_ok: bool
    knowledge_ok: bool
    any_ok: bool
    met: bool  # judge_indicator(...).gaps is empty
    attempted: bool  # there is evidence at all, counting or not
    methods: tuple[str, ...]  # the methods of the satisfactory evidence, sorted


def summarise_indicator(
    hits: Iterable[EvidenceHit],
    rule: Rule,
    *,
    performance_methods: frozenset[str],
    knowledge_methods: frozenset[str],
) -> Summary:
    """The verdict of `judge_indicator` on the same hits, by the same rules (tests hold the
    two to the same answers), in one pass over the hits."""
    attempted = False
    methods: set[str] = set()
    performance_dates: set[date] = set()
    for hit in hits:
        attempted = True
        if hit.status == SATISFACTORY:
            methods.add(hit.method)
            if hit.method in performance_methods:
                performance_dates.add(hit.on)
    performance_ok = bool(performance_dates)
    knowledge_ok = not methods.isdisjoint(knowledge_methods)
    met = (
        (performance_ok or not rule.require_performance_method)
        and (knowledge_ok or not rule.require_knowledge_check)
        and (rule.require_performance_method or rule.require_knowledge_check or bool(methods))
        and (rule.min_methods <= 1 or len(methods) >= rule.min_methods)
        and (
            not rule.require_performance_method
            or rule.min_performance_occasions <= 1
            or len(performance_dates) >= rule.min_performance_occasions
        )
    )
    return _summary(
        performance_ok, knowledge_ok, bool(methods), met, attempted, tuple(sorted(methods))
    )


@lru_cache(maxsize=1024)
def _summary(*fields) -> Summary:
    """Summaries are few and immutable: one instance of each (a cohort shares them)."""
    return Summary(*fields)
