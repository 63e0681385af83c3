"""The course's sufficiency rule and judging an indicator's evidence against it. Pure: plain
data in (evidence hits, the rule, which methods count as performance or knowledge), a
verdict out; no database, no models.

An indicator is met when it has satisfactory evidence of a performance method (observation,
role play, third-party report) and a passed knowledge check, as far as the course requires
each; a course that requires neither still needs some satisfactory evidence. Evidence older
than the rule allows is stale and counts for nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from content.pages.course import CoursePage

# The status of one piece of evidence for one indicator.
SATISFACTORY = "satisfactory"
NOT_SATISFACTORY = "not_satisfactory"
PENDING = "pending"  # waiting for an assessor's judgement
STALE = "stale"  # satisfactory, but older than the rule allows


@dataclass(frozen=True)
class Rule:
    require_knowledge_check: bool = True
    require_performance_method: bool = True
    evidence_max_age_months: int = 12

    @classmethod
    def for_course(cls, course: CoursePage | None) -> Rule:
        if course is None:
            return cls()
        return cls(
            require_knowledge_check=course.require_knowledge_check,
            require_performance_method=course.require_performance_method,
            evidence_max_age_months=course.evidence_max_age_months,
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


@dataclass(frozen=True)
class Verdict:
    performance_ok: bool
    knowledge_ok: bool
    any_ok: bool
    gaps: tuple[str, ...]  # what is missing, one sentence each; empty when the indicator is met


def judge_indicator(
    code: str,
    hits: Iterable[EvidenceHit],
    rule: Rule,
    *,
    performance_methods: frozenset[str],
    knowledge_methods: frozenset[str],
) -> Verdict:
    """Whether the evidence `hits` of indicator `code` meet `rule`, and what is missing."""
    ok = {h.method for h in hits if h.status == SATISFACTORY}
    performance_ok = bool(ok & performance_methods)
    knowledge_ok = bool(ok & knowledge_methods)
    any_ok = bool(ok)
    gaps = []
    if rule.require_performance_method and not performance_ok:
        gaps.append(
            _(
                "%(code)s: no satisfactory performance evidence (observation, role play or third-party report)"
            )
            % {"code": code}
        )
    if rule.require_knowledge_check and not knowledge_ok:
        gaps.append(_("%(code)s: no passed knowledge check (questioning or quiz)") % {"code": code})
    if not rule.require_performance_method and not rule.require_knowledge_check and not any_ok:
        gaps.append(_("%(code)s: no satisfactory evidence") % {"code": code})
    return Verdict(performance_ok, knowledge_ok, any_ok, tuple(gaps))
