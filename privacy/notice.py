"""The notice the Personal Data Protection Act (個人資料保護法, Article 8) requires when
personal data is collected from the person: who collects it, the specific purpose, the kinds
of data, the period, area, recipients and way of use, the rights of Article 3 and how to
exercise them, and what happens if the person does not provide the data.

Bump NOTICE_VERSION whenever the substance changes: every trainee is asked to acknowledge
the new version before the next lesson."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NOTICE_VERSION = "2026.1"


@dataclass(frozen=True)
class NoticeSection:
    key: str
    heading: object
    paragraphs: tuple = ()
    items: tuple = ()


SECTIONS: tuple[NoticeSection, ...] = (
    NoticeSection(
        "collector",
        _("Who collects your personal data"),
        (
            _(
                "The company that employs you runs Loyalty Academy for staff training and "
                "assessment. It collects and uses your personal data as described here."
            ),
        ),
    ),
    NoticeSection(
        "purpose",
        _("Specific purpose"),
        (
            _(
                "Human resources management and staff training: teaching you the customer "
                "loyalty course, assessing whether you are competent, issuing and verifying "
                "your certificates, and keeping the assessment records that auditors and "
                "regulators may ask for."
            ),
        ),
    ),
    NoticeSection(
        "kinds",
        _("Kinds of personal data"),
        (),
        (
            _(
                "Identification: your name as printed on certificates, username, employee "
                "number, e-mail address, store and cohort."
            ),
            _(
                "Training: lessons you opened and completed, quiz answers and grades, "
                "role-play choices and scores."
            ),
            _(
                "Assessment: evidence about your work (observations, answers to questions, "
                "supervisor reports, files), assessors' judgements, decisions, appeals and "
                "certificates."
            ),
            _("Use of the service: sign-in times, notifications and e-mails sent to you."),
        ),
    ),
    NoticeSection(
        "use",
        _("Period, area, recipients and way of use"),
        (),
        (
            _(
                "Period: while you are employed and in training, then for the retention "
                "period of each kind of record. Assessment evidence and decisions are kept at "
                "least 7 years after the decision; the certificate register at least 30 "
                "years; everything else is deleted or anonymised when its period ends."
            ),
            _("Area: Taiwan, on the company's own servers."),
            _(
                "Recipients: your trainers, assessors, training managers and administrators, "
                "each only for their work; auditors and regulators when the law requires it; "
                "anyone you show your certificate to can verify it."
            ),
            _("Way of use: in this system, by electronic means, only for the purpose above."),
        ),
    ),
    NoticeSection(
        "rights",
        _("Your rights (Article 3)"),
        (_("You may ask:"),),
        (
            _("to look up or read your personal data;"),
            _("for a copy of it;"),
            _("to supplement or correct it;"),
            _("to stop its collection, processing or use;"),
            _("to delete it."),
        ),
    ),
    NoticeSection(
        "exercise",
        _("How to exercise your rights"),
        (
            _(
                "Download a copy of your data yourself from “My data” on your profile. For "
                "anything else, ask your trainer or the administrator; the administrator "
                "answers within the time the law allows and tells you what must be kept, "
                "until when and why."
            ),
        ),
    ),
    NoticeSection(
        "consequence",
        _("If you do not provide your data"),
        (
            _(
                "You may choose not to provide it, but without your name and training "
                "records you cannot be trained, assessed or certified in this system."
            ),
        ),
    ),
)
