"""Issue 13, assessment data only for those who assess: through HTTP, per role, what each
page refuses and what it offers (an offered button or link works)."""

import random
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.selectors.scope import may_assess
from assessments.services.appeals import appeal_assign, appeal_lodge
from assessments.services.decisions import decision_record
from core.models import AuditEntry
from tests.factories.people import make_assessor
from tests.factories.quizzes import FormData, answer_data, quiz_setup
from tests.factories.workspace import record_observation, workspace_build
from training.models.quiz_attempts import QuizAttempt
from training.services import quizzes as quiz_services

ROLES = (
    "anonymous",
    "trainee",
    "other_trainee",
    "trainer",
    "assessor",
    "assessor_out_of_scope",
    "replaced_reviewer",
    "current_reviewer",
    "admin",
)


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _written_answer(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "written"), pass_mark=50)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(3))
    data = FormData(answer_data(attempt))
    quiz_services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    attempt.refresh_from_db()
    return attempt, attempt.responses.get(question__qtype="written")


@pytest.fixture
def world(db, trainee, other_trainee, trainer, assessor, admin_user):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    outsider = make_assessor(name="外店評審")
    workspace_build(assessor=outsider, trainees=[other_trainee])
    replaced = make_assessor(name="被換評審")
    current = make_assessor(name="現任評審")
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    decision = decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome="not_yet_competent",
        reasons="評審備註：尚缺觀察",
        feedback="請多練習",
        reassessment_on=timezone.localdate(),
        assessed_on=timezone.localdate(),
    )
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="觀察當天系統當機")
    appeal_assign(admin=admin_user, appeal=appeal, reviewer=replaced)
    appeal_assign(admin=admin_user, appeal=appeal, reviewer=current)
    attempt, written = _written_answer(trainee)
    users = {
        "trainee": trainee,
        "other_trainee": other_trainee,
        "trainer": trainer,
        "assessor": assessor,
        "assessor_out_of_scope": outsider,
        "replaced_reviewer": replaced,
        "current_reviewer": current,
        "admin": admin_user,
    }
    clients = {role: _login(user) for role, user in users.items()}
    clients["anonymous"] = Client()
    return {
        "ws": ws,
        "trainee": trainee,
        "record": record,
        "decision": decision,
        "appeal": appeal,
        "attempt": attempt,
        "written": written,
        "users": users,
        "clients": clients,
    }


def _expect(**given):
    return {role: given.get(role, given.get("default")) for role in ROLES}


# --- the trainee page, the dashboard and the evidence page ----------------------------------

TRAINEE_PAGE = _expect(
    anonymous=302,
    trainee=403,
    other_trainee=403,
    trainer=403,
    assessor=200,
    assessor_out_of_scope=404,
    replaced_reviewer=404,
    current_reviewer=200,
    admin=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_trainee_page_refuses_and_offers_per_role(world, role):
    trainee = world["trainee"]
    response = world["clients"][role].get(reverse("assessments:trainee", args=[trainee.pk]))
    assert response.status_code == TRAINEE_PAGE[role]
    html = response.content.decode()
    # Assessors' notes and decision reasons only where the page is shown.
    assert ("評審備註" in html) is (response.status_code == 200)
    # Assessor buttons only for whom they work: the assessor in scope (admins oversee).
    offered = (
        'data-testid="assessor-actions"' in html
        or reverse("assessments:decide", args=[trainee.pk]) in html
    )
    assert offered is (role == "assessor")
    if offered:
        assert (
            world["clients"][role].get(reverse("assessments:decide", args=[trainee.pk])).status_code
            == 200
        )


DASHBOARD = _expect(
    anonymous=302,
    trainee=403,
    other_trainee=403,
    trainer=403,
    default=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_lists_only_the_scope_and_offers_working_links(world, role):
    client = world["clients"][role]
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == DASHBOARD[role]
    if response.status_code != 200:
        return
    html = response.content.decode()
    trainee_url = reverse("assessments:trainee", args=[world["trainee"].pk])
    listed = trainee_url in html
    assert listed is (role in ("assessor", "current_reviewer", "admin"))
    # Every link to /assess/ offered on the dashboard answers 200 for this user.
    for href in set(re.findall(r'href="(/assess/[^"?#]*)"', html)):
        assert client.get(href).status_code == 200, (role, href)


EVIDENCE_PAGE = _expect(
    anonymous=302,
    trainee=200,  # their own record
    other_trainee=404,
    trainer=404,
    assessor=200,
    assessor_out_of_scope=404,
    replaced_reviewer=404,
    current_reviewer=200,
    admin=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_evidence_page_refuses_and_offers_per_role(world, role):
    record = world["record"]
    client = world["clients"][role]
    response = client.get(reverse("assessments:evidence", args=[record.pk]))
    assert response.status_code == EVIDENCE_PAGE[role]
    html = response.content.decode()
    correct_url = reverse("assessments:evidence_correct", args=[record.pk])
    assert (correct_url in html) is (role == "assessor")
    if correct_url in html:
        assert client.get(correct_url).status_code == 200
    # The correction form itself: only the assessor in scope.
    expected = 200 if role == "assessor" else 302 if role == "anonymous" else (403, 404)
    status = client.get(correct_url).status_code
    assert status == expected if isinstance(expected, int) else status in expected


# --- decisions and appeals: access follows the current assignment ---------------------------


def _correction_data(reason="觀察紀錄有誤"):
    return {
        "outcome": "not_yet_competent",
        "assessed_on": timezone.localdate().isoformat(),
        "reasons": "更正",
        "feedback": "x",
        "reassessment_on": timezone.localdate().isoformat(),
        "correction_reason": reason,
    }


def test_replaced_reviewer_loses_the_appeal_the_trainee_and_the_correction(world):
    client = world["clients"]["replaced_reviewer"]
    trainee = world["trainee"]
    assert client.get(reverse("assessments:appeal", args=[world["appeal"].pk])).status_code == 404
    appeals = client.get(reverse("assessments:appeals")).content.decode()
    assert reverse("assessments:appeal", args=[world["appeal"].pk]) not in appeals
    assert client.get(reverse("assessments:trainee", args=[trainee.pk])).status_code == 404
    response = client.post(reverse("assessments:decide", args=[trainee.pk]), _correction_data())
    assert response.status_code == 404
    assert Decision.objects.filter(trainee=trainee).count() == 1
    assert not may_assess(world["users"]["replaced_reviewer"], trainee)


def test_current_reviewer_sees_the_appeal_and_records_a_correction_audited_as_one(world):
    client = world["clients"]["current_reviewer"]
    trainee = world["trainee"]
    assert client.get(reverse("assessments:appeal", args=[world["appeal"].pk])).status_code == 200
    response = client.post(reverse("assessments:decide", args=[trainee.pk]), _correction_data())
    assert response.status_code == 302
    correction = Decision.objects.get(trainee=trainee, corrects=world["decision"])
    assert correction.correction_reason == "觀察紀錄有誤"
    entry = AuditEntry.objects.get(action="decision.corrected", object_id=correction.pk)
    assert "觀察紀錄有誤" in entry.summary and str(world["decision"].pk) in entry.summary
    # Shown as a correction, with the reason, on the trainee page and in the audit exports.
    admin = world["clients"]["admin"]
    page = admin.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert f'data-decision="{correction.pk}"' in page and "觀察紀錄有誤" in page
    csv = admin.get(reverse("assessments:audit_csv")).content.decode("utf-8-sig")
    assert "decision.corrected" in csv and "觀察紀錄有誤" in csv


def test_appeal_reassignment_is_audited_with_whom_it_replaces(world):
    entry = AuditEntry.objects.get(action="appeal.reassigned")
    assert entry.data["replaces"] == world["users"]["replaced_reviewer"].pk
    assert entry.data["reviewer"] == world["users"]["current_reviewer"].pk
    assert entry.actor == world["users"]["admin"]


@pytest.mark.parametrize("role", ("trainer", "assessor_out_of_scope", "replaced_reviewer"))
def test_no_decision_from_outside_the_scope(world, role):
    client = world["clients"][role]
    response = client.post(
        reverse("assessments:decide", args=[world["trainee"].pk]), _correction_data()
    )
    assert response.status_code in (403, 404)
    assert Decision.objects.filter(trainee=world["trainee"]).count() == 1


# --- the marking queue ----------------------------------------------------------------------

MARKING = _expect(
    anonymous=302,
    trainee=403,
    other_trainee=403,
    trainer=403,
    assessor=200,
    assessor_out_of_scope=200,
    replaced_reviewer=200,
    current_reviewer=200,
    admin=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_marking_queue_lists_only_answers_in_scope(world, role):
    client = world["clients"][role]
    mark_url = reverse("assessments:marking_mark", args=[world["written"].pk])
    response = client.get(reverse("assessments:marking_queue"))
    assert response.status_code == MARKING[role]
    html = response.content.decode()
    offered = mark_url in html
    assert offered is (role in ("assessor", "admin"))
    if offered:
        assert client.get(mark_url).status_code == 200
    # The old address still works: it sends the user to the same queue.
    old = client.get(reverse("training:marking_queue"))
    assert old.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_marking_outside_the_scope_is_refused_and_changes_nothing(world, role):
    client = world["clients"][role]
    response = client.post(
        reverse("assessments:marking_mark", args=[world["written"].pk]), {"score": "0"}
    )
    attempt = world["attempt"]
    attempt.refresh_from_db()
    if role in ("assessor", "admin"):
        assert response.status_code == 302
        assert attempt.state == QuizAttempt.State.GRADED
    else:
        expected = {"anonymous": 302, "trainee": 403, "other_trainee": 403, "trainer": 403}
        assert response.status_code == expected.get(role, 404)  # out of scope: not found
        assert attempt.state == QuizAttempt.State.AWAITING_MARKING


def test_the_header_offers_marking_only_where_it_works(world):
    for role in ROLES:
        client = world["clients"][role]
        html = client.get(reverse("home")).content.decode()
        offered = reverse("assessments:marking_queue") in html
        assert offered is (MARKING[role] == 200 and role != "anonymous"), role
