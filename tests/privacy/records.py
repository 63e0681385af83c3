"""One trainee's records of every kind, made through the apps' services (and the ORM for
decisions and notifications), for the export, retention and erasure tests."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from assessments.models import EvidenceRecord
from assessments.models.evidence import KIND_METHOD, EvidenceKind
from assessments.services import certificates as certificate_services
from core.models import Delivery
from people.models import Notification, NotificationKind
from tests.factories.certificates import make_decision
from tests.factories.quizzes import answer_data, quiz_setup
from tests.factories.workspace import record_observation, workspace_build
from training.models import LessonProgress, QuizAttempt
from training.services.quizzes import quiz_attempt_start, quiz_attempt_submit


def notify(user, title="評量結果已公布", *, at=None) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=NotificationKind.DECISION,
        title=title,
        body="請查看",
        created_at=at or timezone.now(),
    )


def finished_attempt(trainee) -> QuizAttempt:
    quiz, _questions = quiz_setup(trainee, types=("single",))
    attempt = quiz_attempt_start(quiz=quiz, trainee=trainee)
    data = answer_data(attempt)
    quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    attempt.refresh_from_db()
    return attempt


def evidence_with_file(*, assessor, trainee, ws, name="evidence/privacy-test.pdf"):
    """A portfolio record whose uploaded file is in the private storage."""
    stored = storages["private"].save(name, ContentFile(b"%PDF-1.4 test"))
    return EvidenceRecord.objects.create(
        trainee=trainee,
        unit=ws.unit,
        kind=EvidenceKind.PORTFOLIO,
        method=KIND_METHOD[EvidenceKind.PORTFOLIO],
        occurred_on=timezone.localdate(),
        summary="作品集",
        recorded_by=assessor,
        file_name=stored,
        file_original_name="作品.pdf",
        file_content_type="application/pdf",
        file_sha256="0" * 64,
    )


def full_records(*, trainee, assessor, certificate: bool = False) -> dict:
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    portfolio = evidence_with_file(assessor=assessor, trainee=trainee, ws=ws)
    decision = make_decision(trainee=trainee, assessor=assessor, unit=ws.unit, course=ws.course)
    notify(trainee)
    Delivery.objects.create(recipient=trainee.email, subject="通知", body="x")
    attempt = finished_attempt(trainee)
    result = {
        "ws": ws,
        "evidence": record,
        "portfolio": portfolio,
        "decision": decision,
        "attempt": attempt,
    }
    if certificate:
        result["certificate"] = certificate_services.certificate_issue(
            decision=decision, issued_by=assessor
        )
    return result


def lesson_progress_count(user) -> int:
    return LessonProgress.objects.filter(trainee=user).count()


FIXED = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=datetime.UTC)
