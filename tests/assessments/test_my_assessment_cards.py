"""/assess/me/ for the learner (issue 16): the same "My assessment" card as /learn/ first;
each indicator as a card in plain words (status, what counts, what is still needed), never a
table squeezed onto a phone; an appeal form only against a current Not Yet Competent decision,
and the appeal POST refused with a clear message otherwise (a Competent learner sees a link
to the certificate instead). A fixed number of queries whatever the number of records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.appeals import Appeal
from assessments.models.moderation import ModerationPolicy
from assessments.services.appeals import appeal_lodge
from assessments.services.certificates import certificate_issue
from assessments.services.decisions import decision_record
from tests.factories.workspace import give_complete_evidence, record_observation, workspace_build

pytestmark = pytest.mark.django_db


def _url(name: str = "assessments:me", *args) -> str:
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


def _decide(assessor, trainee, ws, outcome, **kw):
    today = timezone.localdate()
    if outcome == "not_yet_competent":
        kw.setdefault("feedback", "多練習")
        kw.setdefault("reassessment_on", today + datetime.timedelta(days=14))
    return decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=outcome,
        reasons=kw.pop("reasons", "依證據判斷"),
        assessed_on=today,
        **kw,
    )


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
def test_me_page_by_role(ws, client_as, trainee, assessor, role, status):
    record_observation(assessor=assessor, trainee=trainee, ws=ws, indicators=ws.indicators[:1])
    client, _ = client_as(role)
    response = client.get(_url())
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'data-testid="learner-status"' in html
        assert f'data-indicator="{ws.indicators[0].code}"' in html
        # The observation is the trainee's own: the other trainee's first card has nothing.
        assert ("採計的證據" in html) == (role == "trainee")


def test_each_indicator_is_a_card_in_plain_words(ws, trainee_client, trainee, assessor):
    record_observation(assessor=assessor, trainee=trainee, ws=ws, indicators=ws.indicators[:1])
    html = trainee_client.get(_url()).content.decode()
    assert "<table" not in html  # no matrix squeezed onto a phone
    for indicator in ws.indicators:
        assert f'data-indicator="{indicator.code}"' in html
    first = html.split(f'data-indicator="{ws.indicators[0].code}"', 1)[1].split("</li>\n", 1)[0]
    assert "採計的證據" in first  # what counts: the observation
    assert "在工作中展現" not in first  # performance is met by it
    assert "展現您的知識" in first  # still needed, in plain words: a knowledge check
    other = html.split(f'data-indicator="{ws.indicators[1].code}"', 1)[1].split("</li>\n", 1)[0]
    assert "還需要更多證據" in other and "在工作中展現" in other


def test_not_yet_competent_learner_may_appeal(ws, trainee_client, trainee, assessor):
    decision = _decide(assessor, trainee, ws, "not_yet_competent")
    html = trainee_client.get(_url()).content.decode()
    assert 'data-testid="appeal-form"' in html and "尚未適任" in html
    response = trainee_client.post(
        _url("assessments:my_appeal", decision.pk), {"reason": "觀察當天系統當機"}, follow=True
    )
    assert decision.appeals.get().reason == "觀察當天系統當機"
    html = response.content.decode()
    assert "您的申訴已提出" in html and 'data-testid="appeal-form"' not in html
    assert "等待指派獨立的評量人員" in html


def test_competent_learner_is_not_offered_an_appeal_and_sees_the_certificate(
    ws, trainee_client, trainee, assessor, no_moderation
):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    decision = _decide(assessor, trainee, ws, "competent")
    certificate = certificate_issue(decision=decision, issued_by=assessor)
    html = trainee_client.get(_url()).content.decode()
    assert "適任" in html and 'data-testid="appeal-form"' not in html
    assert _url("assessments:certificate_detail", certificate.pk) in html
    assert certificate.number in html

    # Server-side too: the POST is refused with a clear message, nothing is written.
    response = trainee_client.post(
        _url("assessments:my_appeal", decision.pk), {"reason": "想申訴"}, follow=True
    )
    assert response.status_code == 200
    assert "您已被評為適任，沒有需要申訴的決定。" in response.content.decode()
    assert not Appeal.objects.exists()


def test_corrected_decision_is_not_offered_an_appeal(ws, trainee_client, trainee, assessor):
    first = _decide(assessor, trainee, ws, "not_yet_competent")
    current = _decide(
        assessor,
        trainee,
        ws,
        "not_yet_competent",
        corrects=first,
        correction_reason="日期誤植",
        feedback="更正後的回饋",
    )
    html = trainee_client.get(_url()).content.decode()
    assert "已由後來的決定取代" in html
    forms = html.count('data-testid="appeal-form"')
    assert forms == 1 and f"/me/decisions/{current.pk}/appeal/" in html
    response = trainee_client.post(
        _url("assessments:my_appeal", first.pk), {"reason": "再議"}, follow=True
    )
    assert "這項決定已被更正，請針對目前的決定提出申訴。" in response.content.decode()
    assert not Appeal.objects.exists()


def test_appeal_lodge_refuses_competent_and_corrected_decisions(
    ws, trainee, assessor, no_moderation
):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    competent = _decide(assessor, trainee, ws, "competent")
    with translation.override("en"), pytest.raises(ValidationError, match="assessed Competent"):
        appeal_lodge(trainee=trainee, decision=competent, reason="x")
    nyc = _decide(
        assessor, trainee, ws, "not_yet_competent", corrects=competent, correction_reason="誤判"
    )
    with translation.override("en"), pytest.raises(ValidationError, match="been corrected"):
        appeal_lodge(trainee=trainee, decision=competent, reason="x")
    assert not Appeal.objects.exists()
    appeal_lodge(trainee=trainee, decision=nyc, reason="x")  # the current one may be appealed


def _build(ws, trainee, assessor, size: int) -> None:
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


QUERY_BUDGET = 38


@pytest.mark.parametrize("size", [1, 5])
def test_me_page_queries_do_not_grow(
    ws, trainee_client, trainee, assessor, django_assert_max_num_queries, size
):
    _build(ws, trainee, assessor, size)
    trainee_client.get(_url())
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = trainee_client.get(_url())
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="decision-list"') == 1
