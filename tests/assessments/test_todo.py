"""The assessor's to-do list: only trainees in scope, grouped by kind, overdue marked, flat
query count, and refused to those who do not assess."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.decisions import Decision
from assessments.selectors.todo import assessor_todo, todo_total
from assessments.services.evidence import observation_draft_start
from tests.factories.people import make_assessor, make_trainee
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


def _url():
    with translation.override("zh-hant"):
        return reverse("assessments:todo")


def _decision(trainee, assessor, ws, *, reassess_in=None, moderation=False):
    today = timezone.localdate()
    return Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        assessor=assessor,
        outcome=Decision.Outcome.COMPETENT if moderation else Decision.Outcome.NOT_YET_COMPETENT,
        reasons="理由",
        assessed_on=today,
        reassessment_on=today + datetime.timedelta(days=reassess_in)
        if reassess_in is not None
        else None,
        moderation_required=moderation,
    )


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def _grow(ws, assessor, n):
    other = make_assessor()
    for i in range(n):
        t = make_trainee()
        t.profile.cohorts.add(ws.cohort)
        _decision(t, assessor, ws, reassess_in=i - 1)
        observation_draft_start(
            assessor=assessor, trainee=t, unit=ws.unit, kind="observation", context="till"
        )
        _decision(make_trainee_in(ws), other, ws, moderation=True)
        _third_party_report(t, assessor, ws)


def make_trainee_in(ws):
    t = make_trainee()
    t.profile.cohorts.add(ws.cohort)
    return t


def _by_kind(groups):
    return {g.kind: g.items for g in groups}


def test_groups_items_and_overdue(ws, trainee, assessor):
    _decision(trainee, assessor, ws, reassess_in=-2)
    observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )
    _decision(make_trainee_in(ws), make_assessor(), ws, moderation=True)
    outsider = make_trainee()  # not in the assessor's scope
    _decision(outsider, make_assessor(), ws, reassess_in=-1)
    groups = _by_kind(assessor_todo(assessor=assessor))
    assert len(groups["reassessment"]) == 1 and groups["reassessment"][0].overdue
    assert groups["reassessment"][0].who == trainee.printed_name
    assert len(groups["draft"]) == 1 and len(groups["moderation"]) == 1
    assert groups["marking"] == [] and groups["appeal"] == []


def test_later_decision_clears_reassessment(ws, trainee, assessor):
    _decision(trainee, assessor, ws, reassess_in=-2)
    Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        assessor=assessor,
        outcome=Decision.Outcome.COMPETENT,
        reasons="理由",
        assessed_on=timezone.localdate(),
    )
    assert _by_kind(assessor_todo(assessor=assessor))["reassessment"] == []


def test_page_shows_groups_and_links(ws, trainee, assessor, assessor_client):
    _decision(trainee, assessor, ws, reassess_in=-2)
    html = assessor_client.get(_url()).content.decode()
    assert 'data-testid="todo-group-reassessment"' in html
    assert 'data-testid="todo-overdue"' in html
    with translation.override("zh-hant"):
        assert reverse("assessments:trainee", args=[trainee.pk]) in html
    dashboard = assessor_client.get(reverse("assessments:dashboard")).content.decode()
    assert _url() in dashboard


def test_empty_state(ws, assessor_client):
    html = assessor_client.get(_url()).content.decode()
    assert 'data-testid="todo-empty"' in html


@pytest.mark.parametrize(("role", "expected"), [("trainee", 403), ("trainer", 403)])
def test_refused_to_non_assessors(client_as, role, expected):
    client, _ = client_as(role)
    assert client.get(_url()).status_code == expected


def test_anonymous_goes_to_login(client):
    response = client.get(_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_query_count_is_flat(ws, assessor, assessor_client, django_assert_max_num_queries):
    _grow(ws, assessor, 2)
    with django_assert_max_num_queries(25) as small:
        assessor_client.get(_url())
    _grow(ws, assessor, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = assessor_client.get(_url())
    assert todo_total(assessor_todo(assessor=assessor)) >= 20
    assert response.status_code == 200


def _third_party_report(trainee, assessor, ws):
    from assessments.services.third_party import (
        IndicatorReport,
        third_party_report_submit,
        third_party_request_create,
    )

    _req, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
    )
    return third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="店長",
        declared=True,
        observed_from=timezone.localdate(),
        summary="共事半年",
        reports=[IndicatorReport(ind, "satisfactory", "") for ind in ws.indicators],
    )


def test_reports_to_judge_and_instruments_to_validate(ws, trainee, assessor, assessor_client):
    from content.models.instruments import InstrumentKind
    from tests.factories.instruments import make_instrument

    record = _third_party_report(trainee, assessor, ws)
    elsewhere = make_assessor()
    outsider = make_trainee()
    _third_party_report(
        outsider, elsewhere, workspace_build(assessor=elsewhere, trainees=[outsider])
    )
    instrument = make_instrument(
        ws.unit, kind=InstrumentKind.THIRD_PARTY, title="主管觀察提示", validated_by=None
    )
    make_instrument(ws.unit, title="已驗證的作品集")  # validated: not on the list
    make_instrument(ws.unit, title="自己寫的", author=assessor, validated_by=None)
    groups = _by_kind(assessor_todo(assessor=assessor))
    assert [(i.who, i.what) for i in groups["third_party"]] == [(trainee.printed_name, "王店長")]
    with translation.override("zh-hant"):
        assert groups["third_party"][0].url == reverse("assessments:evidence", args=[record.pk])
        assert groups["instrument"][0].url == reverse(
            "assessments:instrument_detail", args=[instrument.pk]
        )
    assert [i.what for i in groups["instrument"]] == [f"{ws.unit.code} 主管觀察提示"]
    html = assessor_client.get(_url()).content.decode()
    assert "待判斷的第三方報告" in html and "主管觀察提示" in html
