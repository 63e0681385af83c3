"""/learn/ leads with the learner's own assessment (issue 16): one "My assessment" card above
the course cards, in plain words, with the one next step: gathering evidence, ready for
assessment, 尚未適任 with the reassessment date, feedback and what is still needed, an appeal
under review, 適任 waiting for moderation, with its certificate (or revoked), and written
answers waiting for marking. Only the trainee's own state; other roles get what /learn/ gave
them before (403). A fixed number of queries whatever the number of decisions and records."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.moderation import ModerationPolicy
from assessments.services.appeals import appeal_assign, appeal_lodge
from assessments.services.certificates import certificate_issue, certificate_revoke
from assessments.services.decisions import decision_record
from tests.factories.people import make_assessor
from tests.factories.quizzes import FormData, answer_data, quiz_setup
from tests.factories.workspace import give_complete_evidence, record_observation, workspace_build
from training.page_cache import HIT_HEADER
from training.services import quizzes as quiz_services

pytestmark = pytest.mark.django_db


def _url(name: str = "training:dashboard", *args) -> str:
    with translation.override("zh-hant"):
        return reverse(name, args=args)


@pytest.fixture
def ws(trainee, other_trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee, other_trainee])


@pytest.fixture
def no_moderation(db):
    policy = ModerationPolicy.load()
    policy.share_percent = 0
    policy.first_decisions_per_assessor = 0
    policy.save()
    return policy


def _decide(assessor, trainee, ws, outcome, **kw):
    today = timezone.localdate()
    kw.setdefault("reasons", "依證據判斷")
    if outcome == "not_yet_competent":
        kw.setdefault("feedback", "請在櫃台主動說明點數方案")
        kw.setdefault("reassessment_on", today + datetime.timedelta(days=30))
    return decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=outcome,
        assessed_on=today,
        **kw,
    )


def _card(html: str) -> str:
    """The learner-status card's HTML (it comes before the first course card)."""
    start = html.index('data-testid="learner-status"')
    end = html.index("</section>", start)
    assert start < html.index('data-testid="course-card"')
    return html[start:end]


def _state(html: str) -> str:
    start = html.index('data-testid="learner-status"')
    return html[start:].split('data-state="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 200),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_dashboard_card_by_role(ws, client_as, trainee, assessor, role, status):
    _decide(assessor, trainee, ws, "not_yet_competent", feedback="只給林小美的回饋")
    client, _user = client_as(role)
    response = client.get(_url())
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "我的評量" in html  # "My assessment"
        # Each trainee sees only their own decision and feedback.
        assert ("只給林小美的回饋" in html) == (role == "trainee")
        assert (_state(html) == "not_yet_competent") == (role == "trainee")


def test_gathering_evidence_then_ready(ws, trainee_client, trainee, assessor):
    html = trainee_client.get(_url()).content.decode()
    card = _card(html)
    assert _state(html) == "in_progress"
    assert f"0 / {len(ws.indicators)}" not in card  # words, not a fraction
    assert f"{len(ws.indicators)} 項行為指標中" in card
    assert "尚需" in card  # what is still needed, named
    assert _url("assessments:me") in card  # the next step: my evidence and decisions

    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    html = trainee_client.get(_url()).content.decode()
    card = _card(html)
    assert _state(html) == "ready"
    assert "可進行評量" in card and "評量人員現在可以作出決定" in card
    assert 'data-testid="learner-needed"' not in card


def test_not_yet_competent_with_reassessment_feedback_and_needs(
    ws, trainee_client, trainee, assessor
):
    decision = _decide(assessor, trainee, ws, "not_yet_competent")
    card = _card(trainee_client.get(_url()).content.decode())
    assert "尚未適任" in card
    assert f"已安排於 {decision.reassessment_on:%Y-%m-%d} 重新評量" in card
    assert "請在櫃台主動說明點數方案" in card
    assert 'data-testid="learner-needed"' in card and ws.indicators[0].code in card
    assert "看看還需要什麼" in card and _url("assessments:me") in card


def test_appeal_lodged_then_under_review(ws, trainee_client, trainee, assessor, admin_user):
    decision = _decide(assessor, trainee, ws, "not_yet_competent")
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="觀察當天系統當機")
    html = trainee_client.get(_url()).content.decode()
    card = _card(html)
    assert _state(html) == "appeal_open"
    lodged = timezone.localtime(appeal.lodged_at).date()
    assert f"您在 {lodged:%Y-%m-%d} 提出申訴" in card and "將指派" in card

    appeal_assign(admin=admin_user, appeal=appeal, reviewer=make_assessor(name="獨立評審"))
    card = _card(trainee_client.get(_url()).content.decode())
    assert "正在審查" in card
    assert "獨立評審" not in card  # the reviewer's name is not the learner's business


def test_competent_awaiting_moderation(ws, trainee_client, trainee, assessor):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    _decide(assessor, trainee, ws, "competent")  # an assessor's first decisions are moderated
    html = trainee_client.get(_url()).content.decode()
    assert _state(html) == "awaiting_moderation"
    card = _card(html)
    assert "適任" in card and "第二位評量人員" in card


def test_competent_with_certificate_then_revoked(
    ws, trainee_client, trainee, assessor, admin_user, no_moderation
):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    decision = _decide(assessor, trainee, ws, "competent")
    certificate = certificate_issue(decision=decision, issued_by=assessor)
    html = trainee_client.get(_url()).content.decode()
    card = _card(html)
    assert _state(html) == "certified"
    assert "適任" in card and certificate.number in card
    assert _url("assessments:certificate_detail", certificate.pk) in card
    assert _url("assessments:certificate_download", certificate.pk) in card
    assert _url("assessments:me") in card
    assert 'data-testid="learner-needed"' not in card

    certificate_revoke(certificate=certificate, by=admin_user, reason="資料有誤")
    html = trainee_client.get(_url()).content.decode()
    card = _card(html)
    assert _state(html) == "certificate_revoked"
    assert "已撤銷" in card and certificate.number in card
    assert _url("assessments:certificate_download", certificate.pk) not in card


def test_written_answers_waiting_for_marking(ws, trainee_client, trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "written", "written"), pass_mark=50)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(3))
    data = FormData(answer_data(attempt))
    quiz_services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    card = _card(trainee_client.get(_url()).content.decode())
    assert "等待批改" in card and "2 份書面作答" in card


def _build(ws, trainee, assessor, size: int) -> None:
    """`size` Not Yet Competent rounds, `size` observations and an appeal on the last round."""
    today = timezone.localdate()
    for n in range(size):
        record_observation(
            assessor=assessor,
            trainee=trainee,
            ws=ws,
            indicators=ws.indicators[:1],
            on=today - datetime.timedelta(days=n),
        )
        decision = _decide(assessor, trainee, ws, "not_yet_competent", reasons=f"第 {n + 1} 回")
    appeal_lodge(trainee=trainee, decision=decision, reason="不同意")


# The course cards (tests/training/test_learning_dashboard.py) plus the learner-status card:
# the competency profile (a fixed number of queries), decision, appeal, marking count.
QUERY_BUDGET = 38


@pytest.mark.parametrize("size", [1, 5])
def test_dashboard_queries_do_not_grow_with_decisions_and_evidence(
    ws, trainee_client, trainee, assessor, django_assert_max_num_queries, size
):
    _build(ws, trainee, assessor, size)
    # Warm caches (content types, site) on another address: the one measured is rendered,
    # not a kept dashboard (training/page_cache.py).
    trainee_client.get(_url() + "?warm=1")
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = trainee_client.get(_url())
    assert response.status_code == 200
    assert response.get(HIT_HEADER, "rendered") == "rendered"
    assert _state(response.content.decode()) == "appeal_open"


def test_dashboard_query_count_is_the_same_at_both_sizes(
    ws, trainee, other_trainee, assessor, client_as
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for user, size in ((trainee, 1), (other_trainee, 5)):
        _build(ws, user, assessor, size)
        client, _ = client_as("trainee" if user == trainee else "other_trainee")
        client.get(_url() + "?warm=1")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url())
        assert response.get(HIT_HEADER, "rendered") == "rendered"
        counts.append(len(queries))
    assert counts[0] == counts[1]
