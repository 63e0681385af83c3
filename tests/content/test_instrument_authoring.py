"""Trainers author assessment instruments in the Wagtail admin under the two-person review:
a new instrument is a draft nobody assesses with until a second trainer approves it, and
even then it counts in the mapping matrix only after a second assessor validates it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from content.models.instruments import AssessmentInstrument, InstrumentValidation
from content.selectors.mapping import mapping_matrix
from tests.factories.people import make_trainer
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, *args) -> str:
    return reverse(AssessmentInstrument.snippet_viewset.get_url_name(name), args=args)


def _form(ws, action: str | None = None) -> dict:
    data = {
        "unit": str(ws.unit.pk),
        "kind": "role_play",
        "title": "抱怨點數被扣的顧客",
        "instructions": "評量人員扮演顧客。",
        "script": "顧客：「為什麼我的點數少了？」",
        "criteria": inline_formset(
            [
                {
                    "text": "先傾聽再說明",
                    "guidance": "讓顧客說完",
                    "ORDER": "1",
                }
            ]
        ),
    }
    if action:
        data[action] = "1"
    data = nested_form_data(data)
    data["criteria-0-indicators"] = [str(ws.indicators[0].pk)]  # a multiple select
    return data


def _row(ws, code):
    with translation.override("en"):
        return next(r for r in mapping_matrix(ws.unit, course=ws.course).rows if r.code == code)


def test_a_new_instrument_waits_for_review_and_then_for_validation(
    trainee, assessor, client_as, role_groups
):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    author, reviewer = make_trainer(name="張雅婷"), make_trainer(name="李志明")
    listing = _client(author).get(_url("list"))
    assert listing.status_code == 200
    response = _client(author).post(_url("add"), _form(ws, "action-submit"))
    assert response.status_code == 302, response.content.decode()[:3000]
    instrument = AssessmentInstrument.objects.get(title="抱怨點數被扣的顧客")
    assert not instrument.live
    code = ws.indicators[0].code
    assert any("not yet published" in e.note for e in _row(ws, code).held)
    # The assessor's list shows published instruments only.
    assessor_client, _user = client_as("assessor")
    page = assessor_client.get(reverse("assessments:instrument_list")).content.decode()
    assert "抱怨點數被扣的顧客" not in page

    task_state = TaskState.objects.get(
        workflow_state__object_id=str(instrument.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    approve = _url("workflow_action", instrument.pk, "approve", task_state.pk)
    assert _client(author).post(approve, {"comment": ""}).status_code in (302, 403)
    instrument.refresh_from_db()
    assert not instrument.live  # nobody approves their own submission
    _client(reviewer).post(approve, {"comment": ""})
    instrument.refresh_from_db()
    assert instrument.live
    assert instrument.criteria.get().indicators.get() == ws.indicators[0]
    assert any("validated" in e.note for e in _row(ws, code).held)
    assert not _row(ws, code).cells.get("role_play")

    page = assessor_client.get(reverse("assessments:instrument_list")).content.decode()
    assert f'data-instrument="{instrument.pk}" data-state="not_validated"' in page
    response = assessor_client.post(
        reverse("assessments:instrument_detail", args=[instrument.pk]), {"confirmed": "on"}
    )
    assert response.status_code == 302
    assert InstrumentValidation.objects.filter(instrument=instrument).exists()
    assert [e.label for e in _row(ws, code).cells["role_play"]] == [
        "抱怨點數被扣的顧客: 先傾聽再說明"
    ]
    # The trainer's list says so.
    listing = _client(author).get(_url("list")).content.decode()
    assert "抱怨點數被扣的顧客" in listing


def test_trainers_cannot_publish_or_delete_instruments(role_groups):
    trainer = make_trainer()
    assert trainer.has_perm("content.add_assessmentinstrument")
    assert not trainer.has_perm("content.publish_assessmentinstrument")
    assert not trainer.has_perm("content.delete_assessmentinstrument")
    assert AssessmentInstrument.get_default_workflow() is not None
