"""The learner's own assessment, in plain words: where they stand (in training, ready for
assessment, 適任 / 尚未適任, an appeal, a certificate) and the one next step, for the top of
/learn/ (through training's dashboard-panel hook) and of /assess/me/; and the competency
profile read as one card per indicator (what counts, what is still needed).

A few wide queries whatever the number of decisions, appeals or evidence records: the current
decision (not corrected) with its moderation state, the latest appeal with its outcome and
assignment, the certificates of the current decision, the written answers waiting for marking;
the competency profile (a fixed number of queries) only while there is no Competent decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.models.moderation import Moderation
from assessments.selectors.certificates import VerifyState, certificate_state
from assessments.selectors.profile import Profile, competency_profile
from assessments.selectors.scope import assessment_context
from assessments.sufficiency import (
    KNOWLEDGE,
    METHODS,
    OCCASIONS,
    PENDING,
    PERFORMANCE,
    SATISFACTORY,
    STALE,
    UNVALIDATED,
)
from content.models.framework import AssessmentMethod
from people import roles
from training.dashboard_panels import DashboardPanel
from training.models.quiz_attempts import QuizAttempt, QuizResponse

if TYPE_CHECKING:
    from content.models.framework import CompetencyUnit, Indicator
    from content.pages.course import CoursePage
    from people.models import User

PANEL_TEMPLATE = "assessments/workspace/_learner_status.html"
NEEDED_SHOWN = 3  # the dashboard names this many missing things, then "and N more"


class State:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    NOT_YET_COMPETENT = "not_yet_competent"
    APPEAL_OPEN = "appeal_open"
    AWAITING_MODERATION = "awaiting_moderation"
    CERTIFICATE_PENDING = "certificate_pending"
    CERTIFIED = "certified"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_REVOKED = "certificate_revoked"

    COMPETENT = frozenset(
        {
            AWAITING_MODERATION,
            CERTIFICATE_PENDING,
            CERTIFIED,
            CERTIFICATE_EXPIRED,
            CERTIFICATE_REVOKED,
        }
    )
    LABELS = {
        NOT_STARTED: gettext_lazy("Not started"),
        IN_PROGRESS: gettext_lazy("Gathering evidence"),
        READY: gettext_lazy("Ready for assessment"),
        NOT_YET_COMPETENT: gettext_lazy("Not Yet Competent"),
        APPEAL_OPEN: gettext_lazy("Appeal open"),
        AWAITING_MODERATION: gettext_lazy("Competent"),
        CERTIFICATE_PENDING: gettext_lazy("Competent"),
        CERTIFIED: gettext_lazy("Competent"),
        CERTIFICATE_EXPIRED: gettext_lazy("Competent"),
        CERTIFICATE_REVOKED: gettext_lazy("Competent"),
    }
    # The design system's badge class (always shown with the words above).
    TONES = {
        NOT_STARTED: "state-todo",
        IN_PROGRESS: "state-progress",
        READY: "state-attention",
        NOT_YET_COMPETENT: "state-progress",
        APPEAL_OPEN: "state-attention",
        AWAITING_MODERATION: "state-done",
        CERTIFICATE_PENDING: "state-done",
        CERTIFIED: "state-done",
        CERTIFICATE_EXPIRED: "state-done",
        CERTIFICATE_REVOKED: "state-done",
    }


class AppealStatus:
    LODGED = "lodged"  # no reviewer assigned yet
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


@dataclass
class LearnerStatus:
    unit: CompetencyUnit
    course: CoursePage | None
    state: str
    decision: Decision | None = None  # the current one (no later decision corrects it)
    appeal: Appeal | None = None  # the latest, with `appeal_status` and its outcome
    appeal_status: str = ""
    appeal_outcome: str = ""  # AppealOutcome.Outcome value, "" while open
    appeal_outcome_reasons: str = ""
    appeal_outcome_at: datetime | None = None
    certificate: Certificate | None = None
    certificate_state: str = ""
    profile: Profile | None = None
    awaiting_marking: int = 0
    needed: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def tone(self) -> str:
        return State.TONES[self.state]

    @property
    def is_competent(self) -> bool:
        return self.decision is not None and self.decision.outcome == Decision.Outcome.COMPETENT

    @property
    def shows_certificate(self) -> bool:
        return self.certificate is not None and self.state in {
            State.CERTIFIED,
            State.CERTIFICATE_EXPIRED,
            State.CERTIFICATE_REVOKED,
        }

    @property
    def appeal_open(self) -> bool:
        return self.appeal is not None and self.appeal_status != AppealStatus.CLOSED

    @property
    def may_appeal(self) -> bool:
        """A current Not Yet Competent decision with no open appeal (the service has the
        same rule: appeal_lodge refuses Competent and corrected decisions)."""
        return (
            self.decision is not None
            and self.decision.outcome == Decision.Outcome.NOT_YET_COMPETENT
            and not self.appeal_open
        )

    @property
    def appeal_outcome_label(self) -> str:
        labels = dict(AppealOutcome.Outcome.choices)
        return str(labels.get(self.appeal_outcome, ""))

    @property
    def indicators_total(self) -> int:
        return len(self.profile.rows) if self.profile else 0

    @property
    def indicators_met(self) -> int:
        return sum(1 for row in self.profile.rows if row.met) if self.profile else 0

    @property
    def needed_shown(self) -> list[str]:
        return self.needed[:NEEDED_SHOWN]

    @property
    def needed_more(self) -> int:
        return max(0, len(self.needed) - NEEDED_SHOWN)


def _current_decision(trainee: User, unit: CompetencyUnit) -> Decision | None:
    confirmed = Moderation.objects.filter(
        decision=OuterRef("pk"), outcome=Moderation.Outcome.CONFIRMED
    )
    corrected = Decision.objects.filter(corrects=OuterRef("pk"))
    return (
        Decision.objects.filter(trainee=trainee, unit=unit)
        .exclude(Exists(corrected))
        .annotate(moderation_confirmed=Exists(confirmed))
        .order_by("-decided_at", "-pk")
        .first()
    )


def _latest_appeal(trainee: User, unit: CompetencyUnit) -> Appeal | None:
    outcomes = AppealOutcome.objects.filter(appeal=OuterRef("pk")).order_by("-decided_at", "-pk")
    return (
        Appeal.objects.filter(trainee=trainee, decision__unit=unit)
        .annotate(
            assigned=Exists(AppealAssignment.objects.filter(appeal=OuterRef("pk"))),
            outcome_code=Subquery(outcomes.values("outcome")[:1]),
            outcome_reasons=Subquery(outcomes.values("reasons")[:1]),
            outcome_at=Subquery(outcomes.values("decided_at")[:1]),
        )
        .order_by("-lodged_at", "-pk")
        .first()
    )


def _certificate_of(decision: Decision) -> Certificate | None:
    """The certificate the holder has for this decision: the issued one (a reissue replaces
    the original), else the latest (revoked)."""
    certificates = list(Certificate.objects.filter(decision=decision).order_by("-issued_at", "-pk"))
    issued = [c for c in certificates if c.status == Certificate.Status.ISSUED]
    return (issued or certificates or [None])[0]


def awaiting_marking_count(trainee: User) -> int:
    """The trainee's written quiz answers waiting for an assessor's mark."""
    return QuizResponse.objects.filter(
        attempt__trainee=trainee,
        attempt__state=QuizAttempt.State.AWAITING_MARKING,
        status=QuizResponse.Status.NEEDS_MARKING,
    ).count()


def learner_status(
    *, trainee: User, profile: Profile | None = None, today: date | None = None
) -> LearnerStatus | None:
    """Where the trainee stands on the unit they are assessed against (None when there is no
    unit to assess). `profile`: the trainee's competency profile when the caller has it."""
    unit, course = assessment_context(trainee)
    if unit is None:
        return None
    today = today or timezone.localdate()
    status = LearnerStatus(unit=unit, course=course, state=State.NOT_STARTED)
    status.awaiting_marking = awaiting_marking_count(trainee)
    decision = status.decision = _current_decision(trainee, unit)
    appeal = status.appeal = _latest_appeal(trainee, unit)
    if appeal is not None:
        status.appeal_outcome = appeal.outcome_code or ""
        status.appeal_outcome_reasons = appeal.outcome_reasons or ""
        status.appeal_outcome_at = appeal.outcome_at
        if appeal.outcome_code:
            status.appeal_status = AppealStatus.CLOSED
        else:
            status.appeal_status = (
                AppealStatus.UNDER_REVIEW if appeal.assigned else AppealStatus.LODGED
            )

    if decision is not None and decision.outcome == Decision.Outcome.COMPETENT:
        status.state = _competent_state(status, decision, today)
    else:
        status.profile = profile or competency_profile(trainee=trainee, unit=unit, course=course)
        status.needed = status.profile.gaps
        if status.appeal_open:
            status.state = State.APPEAL_OPEN
        elif decision is not None:
            status.state = State.NOT_YET_COMPETENT
        elif status.profile.complete:
            status.state = State.READY
        elif status.profile.has_any_evidence or course is not None:
            status.state = State.IN_PROGRESS
    if status.appeal_open:
        status.state = State.APPEAL_OPEN
    return status


def _competent_state(status: LearnerStatus, decision: Decision, today: date) -> str:
    if decision.moderation_required and not decision.moderation_confirmed:
        return State.AWAITING_MODERATION
    certificate = status.certificate = _certificate_of(decision)
    if certificate is None:
        return State.CERTIFICATE_PENDING
    status.certificate_state = certificate_state(certificate, today)
    return {
        VerifyState.VALID: State.CERTIFIED,
        VerifyState.EXPIRED: State.CERTIFICATE_EXPIRED,
    }.get(status.certificate_state, State.CERTIFICATE_REVOKED)


def learner_status_panel(*, request) -> DashboardPanel | None:
    """The "My assessment" card at the top of the trainee's dashboard (training's hook)."""
    user = request.user
    if not roles.is_trainee(user):
        return None
    status = learner_status(trainee=user)
    if status is None:
        return None
    return DashboardPanel(template=PANEL_TEMPLATE, data=status, order=10)


# --- the profile as one card per indicator (the trainee's own page) ----------------------------


@dataclass
class IndicatorCard:
    indicator: Indicator
    met: bool
    counts: list[str]  # labels (with their date) of the evidence that counts
    waiting: list[str]  # waiting for an assessor's judgement
    not_counted: list[str]  # shown but not counted, with the reason
    needed: list[str]  # what is still needed, in plain words

    @property
    def state(self) -> str:
        if self.met:
            return "met"
        return "waiting" if self.waiting else "needed"

    @property
    def label(self) -> str:
        return str(
            {
                "met": _("Enough evidence"),
                "waiting": _("Waiting for a judgement"),
                "needed": _("More evidence needed"),
            }[self.state]
        )

    @property
    def tone(self) -> str:
        return {"met": "state-done", "waiting": "state-attention", "needed": "state-progress"}[
            self.state
        ]


def indicator_cards(profile: Profile) -> list[IndicatorCard]:
    """Each indicator of the profile in the learner's words."""
    rule = profile.rule
    performance = AssessmentMethod.performance()
    cards = []
    for row in profile.rows:
        good = [h for h in row.hits if h.status == SATISFACTORY]
        not_counted = []
        for hit in row.hits:
            if hit.status == STALE:
                reason = _("too old to count")
            elif hit.status == UNVALIDATED:
                reason = _("its form is not yet validated by a second assessor")
            elif hit.status == PENDING or hit.status == SATISFACTORY:
                continue
            else:
                reason = _("not yet satisfactory")
            not_counted.append(
                _("%(evidence)s: %(reason)s") % {"evidence": hit.label, "reason": reason}
            )
        needed = []
        for check in row.checks:
            if not check.gap:
                continue
            if check.rule == PERFORMANCE:
                needed.append(
                    _(
                        "Show it at work: an assessor observes you (at the till or in a role "
                        "play) or your supervisor sends a report."
                    )
                )
            elif check.rule == KNOWLEDGE:
                needed.append(
                    _("Show what you know: answer an assessor's questions or pass the quiz.")
                )
            elif check.rule == METHODS:
                needed.append(
                    _("Evidence of %(need)d different kinds (so far %(have)d).")
                    % {"need": rule.min_methods, "have": len({h.method for h in good})}
                )
            elif check.rule == OCCASIONS:
                days = {h.on for h in good if h.method in performance}
                needed.append(
                    _("Show it at work on %(need)d different days (so far %(have)d).")
                    % {"need": rule.min_performance_occasions, "have": len(days)}
                )
            else:
                needed.append(_("Any satisfactory evidence."))
        cards.append(
            IndicatorCard(
                indicator=row.indicator,
                met=row.met,
                counts=[h.label for h in good],
                waiting=[h.label for h in row.hits if h.status == PENDING],
                not_counted=not_counted,
                needed=needed,
            )
        )
    return cards
