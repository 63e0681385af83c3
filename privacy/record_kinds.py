"""The kinds of record the retention rules cover: for each, what it holds, the date its
period runs from (its anchor), the actions allowed, the default rule and the minimum the
form enforces, and the reason (legal or practical) given on the erasure page.

Minimums: assessment evidence, training records that feed it, and decisions are kept at
least 7 years after the decision (84 months); the certificate register at least 30 years
(360 months) and only ever kept. See /tmp/readme/privacy.md for why these numbers."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    NOTIFICATIONS = "notifications", _("Notifications")
    EMAIL = "email", _("E-mail outbox and deliveries")
    DRAFTS = "drafts", _("Unsubmitted quiz attempts and observation drafts")
    LESSON_PROGRESS = "lesson_progress", _("Lesson progress")
    TRAINING = "training", _("Quiz attempts and scenario runs")
    EVIDENCE = "evidence", _("Assessment evidence")
    DECISIONS = "decisions", _("Assessment decisions and appeals")
    CERTIFICATES = "certificates", _("Certificate register")
    ACCOUNT = "account", _("Account and profile (name, e-mail, employee number)")


class RetentionAction(models.TextChoices):
    PURGE = "purge", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise")
    KEEP = "keep", _("Keep")


@dataclass(frozen=True)
class KindInfo:
    anchor: object  # lazy text: the date the period runs from
    actions: tuple[str, ...]  # allowed actions
    default_months: int
    default_action: str
    minimum_months: int
    reason: object  # lazy text: why it is kept


P, A, K = RetentionAction.PURGE, RetentionAction.ANONYMISE, RetentionAction.KEEP
SEVEN_YEARS = 84
THIRTY_YEARS = 360

KINDS: dict[str, KindInfo] = {
    RecordKind.NOTIFICATIONS: KindInfo(
        _("the day the notification was sent"),
        (P, K),
        12,
        P,
        0,
        _("Only a convenience for the person; nothing else depends on it."),
    ),
    RecordKind.EMAIL: KindInfo(
        _("the day the e-mail was queued"),
        (P, K),
        6,
        P,
        0,
        _("Kept briefly to show that an e-mail was sent or failed."),
    ),
    RecordKind.DRAFTS: KindInfo(
        _("the day the draft was started"),
        (P, K),
        3,
        P,
        0,
        _("Work never submitted is not a record of anything."),
    ),
    RecordKind.LESSON_PROGRESS: KindInfo(
        _("the account's last sign-in"),
        (P, K),
        36,
        P,
        12,
        _("Lets the person resume; course completion is recorded separately."),
    ),
    RecordKind.TRAINING: KindInfo(
        _("the person's latest decision or last sign-in, whichever is later"),
        (P, K),
        SEVEN_YEARS,
        P,
        SEVEN_YEARS,
        _(
            "Quiz and scenario results are training evidence behind assessment decisions: "
            "kept as long as the evidence (at least 7 years after the decision)."
        ),
    ),
    RecordKind.EVIDENCE: KindInfo(
        _("the latest decision on the unit (the day recorded if no decision yet)"),
        (A, K),
        SEVEN_YEARS,
        A,
        SEVEN_YEARS,
        _(
            "Assessment evidence must be available to auditors and for appeals: kept at "
            "least 7 years after the decision (assessment records retention)."
        ),
    ),
    RecordKind.DECISIONS: KindInfo(
        _("the day of the decision"),
        (A, K),
        SEVEN_YEARS,
        A,
        SEVEN_YEARS,
        _(
            "Decisions, appeals and moderation are append-only assessment records: kept at "
            "least 7 years after the decision; afterwards the person's name is removed, the "
            "record stays."
        ),
    ),
    RecordKind.CERTIFICATES: KindInfo(
        _("the day the certificate was issued"),
        (K,),
        THIRTY_YEARS,
        K,
        THIRTY_YEARS,
        _(
            "The certificate register lets anyone verify a certificate and regulators ask "
            "for it for decades: kept at least 30 years, never deleted."
        ),
    ),
    RecordKind.ACCOUNT: KindInfo(
        _("the account's last sign-in"),
        (A, K),
        24,
        A,
        12,
        _(
            "The name links evidence and decisions to the person; it is removed only when "
            "none of them still has to be kept."
        ),
    ),
}


def kind_info(kind: str) -> KindInfo:
    return KINDS[kind]
