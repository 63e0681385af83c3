"""The supervisor can save the report and finish later through the same link: the answers
come back when the link is opened again, nothing is evidence until the report is sent with
the declaration (which is never kept in the draft), and a used or cancelled link refuses
a draft as it refuses the form."""

import re

import pytest
from django.urls import reverse

from assessments.models.evidence import EvidenceRecord, ThirdPartyRequest
from assessments.services.third_party import third_party_request_cancel
from content.models.instruments import InstrumentKind
from tests.assessments.test_third_party_prompts import _header, _request, _rows
from tests.factories.instruments import make_instrument
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


@pytest.fixture
def prompts(ws):
    return make_instrument(
        ws.unit,
        kind=InstrumentKind.THIRD_PARTY,
        title="主管觀察提示",
        criteria=[
            ("會主動向顧客說明會員點數怎麼用", [ws.indicators[0]]),
            ("遇到顧客抱怨時先聽完再回應", [ws.indicators[2]]),
        ],
    )


def _url(token: str) -> str:
    return reverse("assessments:third_party_form", args=[token])


def test_a_saved_draft_comes_back_and_is_not_evidence(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, prompts)
    first, second = _rows(prompts)
    saved = client.post(
        _url(token),
        {
            "supervisor_role": "副店長",
            "summary": "同班三個月",
            f"r_c{first.pk}": "satisfactory",
            f"c_c{first.pk}": "上週主動介紹點數",
            "declaration": "on",
            "save_draft": "1",
        },
        follow=True,
    )
    page = saved.content.decode()
    assert saved.status_code == 200
    assert "您的回答已儲存" in page and 'data-testid="draft-saved"' in page
    # Filled in again, and the declaration is still to be signed.
    assert 'value="副店長"' in page and "同班三個月" in page and "上週主動介紹點數" in page
    assert (
        f'id="r_c{first.pk}_satisfactory" value="satisfactory" autocomplete="off" checked' in page
    )
    declaration = re.search(r'<input[^>]*name="declaration"[^>]*>', page).group(0)
    assert "checked" not in declaration
    request = ThirdPartyRequest.objects.get()
    assert "declaration" not in request.draft and request.used_at is None
    assert not EvidenceRecord.objects.exists()
    # Opening the link later shows the same answers.
    later = client.get(_url(token)).content.decode()
    assert "上週主動介紹點數" in later and "同班三個月" in later
    # Sending it turns it into evidence and empties the draft.
    sent = client.post(
        _url(token),
        _header(**{f"r_c{first.pk}": "satisfactory", f"r_c{second.pk}": "not_satisfactory"}),
    )
    assert "third-party-thanks" in sent.content.decode()
    request.refresh_from_db()
    assert request.used_at is not None and request.draft == {}
    assert EvidenceRecord.objects.filter(kind="third_party").count() == 1


def test_a_draft_keeps_only_the_forms_fields(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, prompts)
    client.post(
        _url(token),
        {"summary": "x" * 10_000, "evil": "1", "used_at": "now", "save_draft": "1"},
    )
    draft = ThirdPartyRequest.objects.get().draft
    assert set(draft) == {"summary"} and len(draft["summary"]) == 4000


def test_a_used_or_cancelled_link_refuses_a_draft(ws, prompts, trainee, assessor, client):
    tp_request, token = _request(assessor, trainee, ws, prompts)
    third_party_request_cancel(assessor=assessor, third_party_request=tp_request)
    response = client.post(_url(token), {"summary": "晚點再寫", "save_draft": "1"})
    assert response.status_code == 410
    assert ThirdPartyRequest.objects.get().draft == {}


def test_the_declaration_sits_above_the_send_button(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, prompts)
    page = client.get(_url(token)).content.decode()
    declaration = page.index('data-testid="declaration"')
    send = page.index("送出報告")
    last_question = page.rindex('class="checklist-item"')
    about = page.index("您的資料")
    assert about < last_question < declaration < send
