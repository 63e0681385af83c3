"""Issue 18: the trainee's dashboard (/learn/) is kept once rendered and given again
(training/page_cache.keep_dashboard) only while nothing it shows has changed: their learning
rows, their notifications, and what the assessment panel is drawn from (assessments/
learner_stamp.py: decisions, moderation, appeals, evidence, judgements, certificates,
written answers waiting for a mark), and the day. Each test makes one change by the path a
real one takes (the assessor's or administrator's service) and checks the very next view
shows it. Kept only for plain trainees, in three queries."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string

from assessments.models.moderation import ModerationPolicy
from assessments.services.appeals import appeal_assign, appeal_lodge
from assessments.services.certificates import certificate_issue, certificate_revoke
from assessments.services.decisions import decision_record
from people import roles
from tests.factories.people import make_assessor
from tests.factories.workspace import give_complete_evidence, record_observation, workspace_build
from training.page_cache import HIT_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ws(trainee, other_trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee, other_trainee])


@pytest.fixture
def no_moderation(db):
    policy = ModerationPolicy.load()
    policy.share_percent = 0
    policy.first_decisions_per_assessor = 0
    policy.save()


def _browser(user) -> Client:
    """A signed-in browser that has had its first page (it holds the CSRF cookie)."""
    client = Client()
    client.force_login(user)
    client.cookies["csrftoken"] = get_random_string(32)
    return client


def _url() -> str:
    with translation.override("zh-hant"):
        return reverse("training:dashboard")


def _view(client) -> tuple[str, str]:
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    return response.get(HIT_HEADER, "rendered"), html


def _unmasked(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _state(html: str) -> str:
    start = html.index('data-testid="learner-status"')
    return html[start:].split('data-state="', 1)[1].split('"', 1)[0]


def _kept(client) -> str:
    assert _view(client)[0] == "rendered"
    hit, html = _view(client)
    assert hit == "kept"
    return html


def _decide(assessor, trainee, ws, outcome, **kw):
    today = timezone.localdate()
    if outcome == "not_yet_competent":
        kw.setdefault("feedback", "請主動說明點數方案")
        kw.setdefault("reassessment_on", today + datetime.timedelta(days=30))
    return decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=outcome,
        assessed_on=today,
        reasons="依證據判斷",
        **kw,
    )


def test_the_second_view_is_kept_in_three_queries(ws, trainee, django_assert_num_queries):
    client = _browser(trainee)
    html = _kept(client)
    assert _state(html) == "in_progress"
    with django_assert_num_queries(3):  # session, user, the stamp
        hit, again = _view(client)
    assert hit == "kept"
    assert _unmasked(again) == _unmasked(html)  # the same page, its form token masked anew


def test_an_observation_the_assessor_records_shows_at_once(ws, trainee, assessor):
    client = _browser(trainee)
    _kept(client)
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    hit, html = _view(client)
    assert hit == "rendered" and _state(html) == "ready"


def test_a_decision_then_an_appeal_and_its_reviewer_show_at_once(ws, trainee, assessor, admin_user):
    client = _browser(trainee)
    _kept(client)
    decision = _decide(assessor, trainee, ws, "not_yet_competent")
    hit, html = _view(client)
    assert hit == "rendered" and _state(html) == "not_yet_competent"
    assert "請主動說明點數方案" in html
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="觀察當天系統當機")
    hit, html = _view(client)
    assert hit == "rendered" and "將指派" in html
    assert _view(client)[0] == "kept"
    appeal_assign(admin=admin_user, appeal=appeal, reviewer=make_assessor(name="獨立評審"))
    hit, html = _view(client)
    assert hit == "rendered" and "正在審查" in html


def test_a_certificate_issued_then_revoked_shows_at_once(
    ws, trainee, assessor, admin_user, no_moderation
):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    decision = _decide(assessor, trainee, ws, "competent")
    client = _browser(trainee)
    assert _state(_kept(client)) == "certificate_pending"
    certificate = certificate_issue(decision=decision, issued_by=assessor)
    hit, html = _view(client)
    assert hit == "rendered" and _state(html) == "certified" and certificate.number in html
    _view(client)
    certificate_revoke(certificate=certificate, by=admin_user, reason="資料有誤")
    hit, html = _view(client)
    assert hit == "rendered" and _state(html) == "certificate_revoked"


def test_an_observation_on_another_trainee_keeps_this_ones_dashboard(
    ws, trainee, other_trainee, assessor
):
    client = _browser(trainee)
    _kept(client)
    record_observation(assessor=assessor, trainee=other_trainee, ws=ws)
    assert _view(client)[0] == "kept"


def test_the_next_day_renders_it_again(ws, trainee, monkeypatch):
    client = _browser(trainee)
    _kept(client)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _view(client)[0] == "rendered"


def test_a_trainee_who_also_assesses_is_never_given_a_kept_dashboard(ws, trainee):
    trainee.groups.add(Group.objects.get(name=roles.ASSESSOR))
    client = _browser(trainee)
    for _view_number in range(2):
        response = client.get(_url())
        assert response.status_code == 200
        assert HIT_HEADER not in response  # rendered by the view itself, every time


def test_one_of_two_written_answers_marked_shows_at_once(ws, trainee, assessor):
    """Marking one answer changes that response, not its attempt (still awaiting marking)."""
    import random
    from decimal import Decimal

    from tests.factories.quizzes import FormData, answer_data, quiz_setup
    from training.services import quizzes as quiz_services

    quiz, _questions = quiz_setup(trainee, types=("single", "written", "written"), pass_mark=50)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(3))
    data = FormData(answer_data(attempt))
    quiz_services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    client = _browser(trainee)
    assert "2 份書面作答" in _kept(client)
    written = attempt.responses.filter(question__qtype="written").order_by("slot").first()
    quiz_services.quiz_response_mark(
        response_id=written.pk, marker=assessor, score=Decimal("0.5"), comment="請更具體"
    )
    attempt.refresh_from_db()
    assert attempt.state == attempt.State.AWAITING_MARKING
    hit, html = _view(client)
    assert hit == "rendered" and "1 份書面作答" in html
