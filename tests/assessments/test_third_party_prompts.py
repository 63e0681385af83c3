"""Third-party report prompts: the assessor chooses the unit's published prompts when asking
for a report; the supervisor then answers in plain language, one row per criterion (never
indicator codes); the answers become evidence lines that carry the criterion and the
instrument revision they were given with. A row that is not one of the prompts is refused
and nothing is written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models.evidence import EvidenceLine, EvidenceRecord, ThirdPartyRequest
from assessments.services.third_party import third_party_request_create
from content.models.instruments import InstrumentCriterion, InstrumentKind
from tests.factories.instruments import change_instrument, make_instrument
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


@pytest.fixture
def prompts(ws):
    ind = ws.indicators
    instrument = make_instrument(
        ws.unit,
        kind=InstrumentKind.THIRD_PARTY,
        title="主管觀察提示",
        instructions="請依您在門市親眼所見回答，不需要專業術語。",
        criteria=[
            ("會主動向顧客說明會員點數怎麼用", [ind[0], ind[1]]),
            ("遇到顧客抱怨時先聽完再回應", [ind[2]]),
        ],
    )
    InstrumentCriterion.objects.filter(instrument=instrument, sort_order=0).update(
        guidance="顧客聽完能說出下次怎麼折抵"
    )
    return instrument


def _request(assessor, trainee, ws, instrument):
    return third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
        instrument=instrument,
    )


def _header(**extra):
    return {
        "supervisor_name": "王店長",
        "supervisor_role": "店長",
        "observed_from": timezone.localdate().isoformat(),
        "summary": "共事半年",
        "declaration": "on",
        **extra,
    }


def _rows(instrument):
    return list(instrument.criteria.order_by("sort_order"))


# --- the assessor's request ------------------------------------------------------------------


def test_assessor_must_choose_the_units_prompts(ws, prompts, trainee, assessor_client):
    url = reverse("assessments:third_party_new", args=[trainee.pk])
    page = assessor_client.get(url).content.decode()
    assert 'name="instrument"' in page and "主管觀察提示" in page
    # Another unit's prompts and a portfolio task of this unit are not offered, nor accepted.
    other = make_instrument(workspace_build(assessor=None, trainees=[]).unit, kind="third_party")
    task = make_instrument(ws.unit, kind=InstrumentKind.PORTFOLIO, title="會員方案企劃書")
    assert other.title not in page and task.title not in page
    data = {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"}
    for chosen in ("", other.pk, task.pk):
        response = assessor_client.post(url, {**data, "instrument": chosen})
        assert response.status_code == 200 and response.context["link"] is None
    assert not ThirdPartyRequest.objects.exists()
    response = assessor_client.post(url, {**data, "instrument": prompts.pk})
    assert response.context["link"]
    assert ThirdPartyRequest.objects.get().instrument == prompts


def test_without_prompts_the_request_form_is_as_before(ws, trainee, assessor_client):
    url = reverse("assessments:third_party_new", args=[trainee.pk])
    assert 'name="instrument"' not in assessor_client.get(url).content.decode()
    response = assessor_client.post(
        url, {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"}
    )
    assert response.context["link"] and ThirdPartyRequest.objects.get().instrument is None


def test_a_draft_prompt_set_cannot_be_requested(ws, prompts, trainee, assessor):
    from django.core.exceptions import ValidationError

    prompts.live = False
    prompts.save()
    with pytest.raises(ValidationError):
        _request(assessor, trainee, ws, prompts)
    assert not ThirdPartyRequest.objects.exists()


# --- the supervisor's form -------------------------------------------------------------------


def test_supervisor_sees_plain_prompts_not_codes(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, prompts)
    page = client.get(reverse("assessments:third_party_form", args=[token])).content.decode()
    assert "請依您在門市親眼所見回答" in page  # the instructions
    assert "會主動向顧客說明會員點數怎麼用" in page and "遇到顧客抱怨時先聽完再回應" in page
    assert "顧客聽完能說出下次怎麼折抵" in page  # what doing it well looks like
    assert "看過，且做得好" in page and "還沒做到" in page and "沒看過" in page
    assert "舉一個您看到的例子" in page
    for indicator in ws.indicators:
        assert indicator.code not in page and indicator.text not in page
    assert page.count('class="checklist-item"') == 2


def test_report_lines_carry_criterion_and_instrument_revision(
    ws, prompts, trainee, assessor, client
):
    _req, token = _request(assessor, trainee, ws, prompts)
    # The prompts change after the link was sent: the record names the revision answered.
    prompts = change_instrument(prompts, title="主管觀察提示（修訂）")
    first, second = _rows(prompts)
    response = client.post(
        reverse("assessments:third_party_form", args=[token]),
        _header(
            **{
                f"r_c{first.pk}": "satisfactory",
                f"c_c{first.pk}": "上週六主動介紹點數折抵",
                f"r_c{second.pk}": "not_satisfactory",
            }
        ),
    )
    assert "third-party-thanks" in response.content.decode()
    record = EvidenceRecord.objects.get(kind="third_party")
    assert record.instrument == prompts
    assert record.instrument_revision_id == prompts.live_revision_id
    lines = list(record.lines.order_by("pk"))
    assert [(line.criterion_id, line.indicator_id, line.result) for line in lines] == [
        (first.pk, ws.indicators[0].pk, "satisfactory"),
        (first.pk, ws.indicators[1].pk, "satisfactory"),
        (second.pk, ws.indicators[2].pk, "not_satisfactory"),
    ]
    assert lines[0].label == first.text and lines[0].comment == "上週六主動介紹點數折抵"
    assert ThirdPartyRequest.objects.get().used_at is not None


@pytest.mark.parametrize("forged", ["other_instrument", "indicator_row", "not_a_number"])
def test_a_forged_row_is_refused_and_nothing_written(
    ws, prompts, trainee, assessor, client, forged
):
    _req, token = _request(assessor, trainee, ws, prompts)
    other = make_instrument(
        ws.unit, kind=InstrumentKind.THIRD_PARTY, criteria=[("別的提示", [ws.indicators[3]])]
    )
    key = {
        "other_instrument": f"c{_rows(other)[0].pk}",
        "indicator_row": str(ws.indicators[3].pk),
        "not_a_number": "cx",
    }[forged]
    first = _rows(prompts)[0]
    url = reverse("assessments:third_party_form", args=[token])
    response = client.post(
        url, _header(**{f"r_c{first.pk}": "satisfactory", f"r_{key}": "satisfactory"})
    )
    assert response.status_code == 200
    assert "此報告中有一列不是它的提示，未記錄任何內容。" in response.content.decode()
    assert not EvidenceRecord.objects.exists() and not EvidenceLine.objects.exists()
    assert ThirdPartyRequest.objects.get().used_at is None  # the link still works
    assert client.get(url).status_code == 200


def test_withdrawn_prompts_are_refused_with_a_plain_message(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, prompts)
    prompts.live = False
    prompts.save()
    response = client.post(reverse("assessments:third_party_form", args=[token]), _header())
    assert "此報告的提示已撤下" in response.content.decode()
    assert not EvidenceRecord.objects.exists()


def test_a_request_without_prompts_keeps_the_indicator_rows(ws, prompts, trainee, assessor, client):
    _req, token = _request(assessor, trainee, ws, None)
    page = client.get(reverse("assessments:third_party_form", args=[token])).content.decode()
    assert ws.indicators[0].code in page and "會主動向顧客說明" not in page
    response = client.post(
        reverse("assessments:third_party_form", args=[token]),
        _header(**{f"r_{ws.indicators[0].pk}": "satisfactory"}),
    )
    assert "third-party-thanks" in response.content.decode()
    record = EvidenceRecord.objects.get()
    assert record.instrument is None and record.lines.count() == len(ws.indicators)
    assert not record.lines.exclude(criterion=None).exists()
