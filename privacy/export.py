"""The learner's own data as one JSON document (the right to a copy, 個人資料保護法 Article
3): profile, acknowledgements, enrolments, lesson progress, quiz attempts with answers and
grades, scenario runs with their steps, evidence and observations about them, decisions,
appeals, certificates and notifications. Only rows whose trainee/user is the person.

A fixed number of queries whatever the amount of data (prefetches, no per-row queries)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from assessments.models import (
    Appeal,
    AppealOutcome,
    Certificate,
    Decision,
    EvidenceRecord,
    Judgement,
)
from assessments.selectors.certificates import verify_url
from people.models import Notification, Profile
from privacy.models import PrivacyAcknowledgement
from privacy.notice import NOTICE_VERSION
from training.models import Enrolment, LessonProgress, QuizAttempt, ScenarioRun

SCHEMA = "loyalty-academy/personal-data"
SCHEMA_VERSION = 1
OBSERVATION_KINDS = ("observation", "role_play")


def _profile(user) -> dict | None:
    profile = (
        Profile.objects.select_related("store")
        .prefetch_related("cohorts")
        .filter(user_id=user.pk)
        .first()
    )
    if profile is None:
        return None
    return {
        "full_name": profile.full_name,
        "employee_number": profile.employee_number,
        "store": profile.store.name if profile.store else None,
        "cohorts": [cohort.name for cohort in profile.cohorts.all()],
        "notifications_not_emailed": profile.notification_email_off,
    }


def _quiz_attempts(user) -> list[dict]:
    attempts = (
        QuizAttempt.objects.filter(trainee_id=user.pk)
        .select_related("quiz")
        .prefetch_related("responses")
        .order_by("started_at", "pk")
    )
    return [
        {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "state": attempt.state,
            "started_at": attempt.started_at,
            "submitted_at": attempt.submitted_at,
            "graded_at": attempt.graded_at,
            "score_percent": attempt.score,
            "passed": attempt.passed,
            "pass_mark_percent": attempt.pass_mark,
            "points_earned": attempt.points_earned,
            "points_possible": attempt.points_possible,
            "answers": [
                {
                    "question_number": response.slot,
                    "question_version_id": response.question_version_id,
                    "answer": response.answer,
                    "saved_at": response.saved_at,
                    "status": response.status,
                    "points_possible": response.points,
                    "fraction_earned": response.fraction,
                    "marked_at": response.marked_at,
                    "marker_comment": response.marker_comment,
                    "rubric_scores": response.rubric_scores,
                }
                for response in attempt.responses.all()
            ],
        }
        for attempt in attempts
    ]


def _scenario_runs(user) -> list[dict]:
    runs = (
        ScenarioRun.objects.filter(trainee_id=user.pk)
        .select_related("scenario")
        .prefetch_related("steps")
        .order_by("started_at", "pk")
    )
    return [
        {
            "scenario": run.scenario.title,
            "number": run.number,
            "mode": run.mode,
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "score_percent": run.score_percent,
            "indicator_scores": run.indicator_scores,
            "passed": run.passed,
            "ending": run.ending_key,
            "steps": [
                {
                    "number": step.number,
                    "speaker": step.speaker,
                    "what_was_said": step.step_text,
                    "your_choice": step.choice_text,
                    "feedback": step.feedback,
                    "points": step.points,
                    "taken_back": step.undone,
                    "at": step.created_at,
                }
                for step in run.steps.all()
            ],
        }
        for run in runs
    ]


def _evidence(user) -> list[dict]:
    records = (
        EvidenceRecord.objects.filter(trainee_id=user.pk)
        .select_related("unit")
        .prefetch_related(
            "lines",
            "attachments",
            Prefetch("judgements", queryset=Judgement.objects.prefetch_related("lines")),
        )
        .order_by("occurred_on", "pk")
    )
    return [
        {
            "id": record.pk,
            "unit": record.unit.code,
            "kind": record.kind,
            "method": record.method,
            "date": record.occurred_on,
            "place": record.place,
            "environment": record.environment,
            "context": record.context,
            "summary": record.summary,
            "source": record.source,
            "recorded_at": record.recorded_at,
            "supervisor_name": record.third_party_name,
            "supervisor_position": record.third_party_role,
            "file": {"name": record.file_original_name, "sha256": record.file_sha256}
            if record.file_name
            else None,
            "corrects_id": record.corrects_id,
            "correction_reason": record.correction_reason,
            "items": [
                {
                    "item": line.label,
                    "result": line.result,
                    "your_answer": line.answer,
                    "comment": line.comment,
                }
                for line in record.lines.all()
            ],
            "attachments": [
                {
                    "file_name": attachment.original_name,
                    "kind": attachment.kind,
                    "sha256": attachment.sha256,
                    "added_at": attachment.created_at,
                }
                for attachment in record.attachments.all()
            ],
            "judgements": [
                {
                    "result": judgement.result,
                    "notes": judgement.notes,
                    "judged_at": judgement.judged_at,
                    "criteria": [
                        {"criterion": line.label, "result": line.result, "comment": line.comment}
                        for line in judgement.lines.all()
                    ],
                }
                for judgement in record.judgements.all()
            ],
        }
        for record in records
    ]


def _decisions(user) -> list[dict]:
    decisions = (
        Decision.objects.filter(trainee_id=user.pk)
        .select_related("unit")
        .order_by("decided_at", "pk")
    )
    return [
        {
            "id": decision.pk,
            "unit": decision.unit.code,
            "unit_title": decision.unit.title,
            "round": decision.round_number,
            "outcome": decision.outcome,
            "reasons": decision.reasons,
            "gaps": decision.gaps,
            "feedback": decision.feedback,
            "assessed_on": decision.assessed_on,
            "decided_at": decision.decided_at,
            "reassessment_on": decision.reassessment_on,
            "corrects_id": decision.corrects_id,
            "correction_reason": decision.correction_reason,
        }
        for decision in decisions
    ]


def _appeals(user) -> list[dict]:
    appeals = (
        Appeal.objects.filter(trainee_id=user.pk)
        .prefetch_related(
            Prefetch("outcomes", queryset=AppealOutcome.objects.order_by("decided_at", "pk"))
        )
        .order_by("lodged_at", "pk")
    )
    return [
        {
            "decision_id": appeal.decision_id,
            "reason": appeal.reason,
            "lodged_at": appeal.lodged_at,
            "outcomes": [
                {"outcome": o.outcome, "reasons": o.reasons, "decided_at": o.decided_at}
                for o in appeal.outcomes.all()
            ],
        }
        for appeal in appeals
    ]


def _certificates(user) -> list[dict]:
    certificates = (
        Certificate.objects.filter(trainee_id=user.pk)
        .select_related("unit")
        .order_by("issued_at", "pk")
    )
    return [
        {
            "number": certificate.number,
            "unit": certificate.unit.code,
            "holder_name": certificate.holder_name,
            "status": certificate.status,
            "issued_at": certificate.issued_at,
            "expires_on": certificate.expires_on,
            "status_changed_at": certificate.status_changed_at,
            "pdf_sha256": certificate.pdf_sha256,
            "verify_url": verify_url(certificate),
        }
        for certificate in certificates
    ]


def personal_data(user) -> dict:
    evidence = _evidence(user)
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now(),
        "notice_version": NOTICE_VERSION,
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profile": _profile(user),
        "privacy_acknowledgements": list(
            PrivacyAcknowledgement.objects.filter(user_id=user.pk)
            .order_by("acknowledged_at", "pk")
            .values("version", "acknowledged_at")
        ),
        "enrolments": [
            {
                "course": enrolment.course.title,
                "source": enrolment.source,
                "enrolled_at": enrolment.enrolled_at,
                "completed_at": enrolment.completed_at,
            }
            for enrolment in Enrolment.objects.filter(trainee_id=user.pk)
            .select_related("course")
            .order_by("enrolled_at", "pk")
        ],
        "lesson_progress": [
            {
                "lesson": progress.lesson.title,
                "started_at": progress.started_at,
                "last_seen_at": progress.last_seen_at,
                "last_position": progress.last_position,
                "completed_at": progress.completed_at,
            }
            for progress in LessonProgress.objects.filter(trainee_id=user.pk)
            .select_related("lesson")
            .order_by("started_at", "pk")
        ],
        "quiz_attempts": _quiz_attempts(user),
        "scenario_runs": _scenario_runs(user),
        "observations": [e for e in evidence if e["kind"] in OBSERVATION_KINDS],
        "evidence": [e for e in evidence if e["kind"] not in OBSERVATION_KINDS],
        "decisions": _decisions(user),
        "appeals": _appeals(user),
        "certificates": _certificates(user),
        "notifications": list(
            Notification.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values("kind", "title", "body", "url", "created_at", "read_at")
        ),
    }


def personal_data_json(user) -> str:
    return json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
