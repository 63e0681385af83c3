"""The assessor's trainee page on a phone: the actions come before the profile, each
indicator is a card saying its status in words, the methods that count and what is still
needed; evidence is a list of cards. Per role: what the page offers and refuses. Query
counts stay flat as drafts and evidence grow."""

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.services.evidence import observation_draft_start
from tests.factories.workspace import record_observation, workspace_build

pytestmark = pytest.mark.django_db


def _url(trainee):
    with translation.override("zh-hant"):
        return reverse("assessments:trainee", args=[trainee.pk])


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def test_actions_first_then_indicator_cards_in_words(ws, trainee, assessor, assessor_client):
    record_observation(assessor=assessor, trainee=trainee, ws=ws, indicators=ws.indicators[:1])
    html = assessor_client.get(_url(trainee)).content.decode()
    assert html.index('data-testid="assessor-actions"') < html.index('data-testid="profile-cards"')
    assert html.index('data-testid="more-actions"') < html.index('data-testid="profile-cards"')
    cards = html[
        html.index('data-testid="profile-cards"') : html.index('data-testid="profile-matrix"')
    ]
    assert cards.count("data-indicator=") == len(ws.indicators)
    assert "採計的評量方法：" in cards and "尚需：" in cards
    assert "尚未符合" in cards or "部分符合" in cards
    assert 'class="state ' in cards  # status badges carry words
    assert 'data-testid="evidence-list"' in html and "工作場域觀察" in html
    assert 'data-testid="profile-summary"' in html and "項指標中已符合" in html


@pytest.mark.parametrize("role", ["trainer", "trainee", "anonymous"])
def test_others_are_refused(ws, client_as, role, trainee):
    client, _ = client_as(role)
    assert client.get(_url(trainee)).status_code in (302, 403, 404)


def test_admin_reads_without_actions_or_drafts(ws, trainee, client_as):
    client, _ = client_as("admin")
    html = client.get(_url(trainee)).content.decode()
    assert 'data-testid="assessor-actions"' not in html and 'data-testid="open-drafts"' not in html
    assert 'data-testid="profile-cards"' in html


def test_query_count_is_flat(ws, trainee, assessor, assessor_client, django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            record_observation(assessor=assessor, trainee=trainee, ws=ws)
            observation_draft_start(
                assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
            )

    grow(1)
    with django_assert_max_num_queries(60) as small:
        assert assessor_client.get(_url(trainee)).status_code == 200
    grow(4)
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        assert assessor_client.get(_url(trainee)).status_code == 200
