"""The rules of evidence on the competency profile, through HTTP as the assessor: a new
course requires two different methods and performance evidence from two occasions on
different dates; the profile says per indicator which rule is met and by what, and
Competent is refused, naming the rule, until each is met."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceKind
from tests.factories.workspace import record_observation, record_questioning, workspace_build

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def ws(trainee, assessor):
    # The course's own defaults: 2 methods, 2 performance occasions.
    return workspace_build(assessor=assessor, trainees=[trainee], min_performance_occasions=2)


def _decide(client, trainee):
    return client.post(
        reverse("assessments:decide", args=[trainee.pk]),
        {"outcome": "competent", "assessed_on": TODAY().isoformat(), "reasons": "表現良好"},
    )


def test_new_courses_ask_for_two_methods_and_two_occasions(db):
    from content.pages.course import CoursePage

    course = CoursePage(title="x", slug="x")
    assert course.min_methods_per_indicator == 2 and course.min_performance_occasions == 2


def test_one_observation_day_is_not_sufficient_and_the_profile_says_why(
    ws, client_as, trainee, assessor
):
    client, _user = client_as("assessor")
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)

    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert 'data-rule="occasions" data-met="no"' in page
    assert 'data-rule="methods" data-met="yes"' in page
    assert 'data-rule="knowledge" data-met="yes"' in page

    response = _decide(client, trainee)
    html = response.content.decode()
    assert response.status_code == 200 and "decision-gaps" in html
    assert "T1.1" in html
    assert not Decision.objects.exists()

    # A second observation on another day meets the rule; Competent is recorded.
    record_observation(
        assessor=assessor, trainee=trainee, ws=ws, on=TODAY() - datetime.timedelta(days=3)
    )
    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert 'data-rule="occasions" data-met="no"' not in page
    assert _decide(client, trainee).status_code == 302
    assert Decision.objects.get().outcome == "competent"


def test_two_records_on_the_same_day_are_one_occasion(ws, client_as, trainee, assessor):
    client, _user = client_as("assessor")
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    record_observation(assessor=assessor, trainee=trainee, ws=ws, kind=EvidenceKind.ROLE_PLAY)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
    assert _decide(client, trainee).status_code == 200
    assert not Decision.objects.exists()
