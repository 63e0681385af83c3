"""Observation checklists are observable behaviours in a context: a till observation offers
only the behaviours seen at a till, grouped under their indicator, and cannot mark T4.x; a
back-office observation can. Through HTTP as the assessor."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models.evidence import EvidenceLine, EvidenceRecord, ObservationDraft
from content.models.framework import AssessmentMethod
from content.models.observation import ObservationItem
from tests.factories.framework import make_observation
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db

TILL, BACK_OFFICE = "till", "back_office"


@pytest.fixture
def ws(trainee, assessor):
    """Tasks T1-T4, two indicators each; the factory's item on T1.1 is removed so that every
    item here says where it is observed."""
    ws = workspace_build(assessor=assessor, trainees=[trainee], tasks=4, per_task=2)
    ObservationItem.objects.filter(indicator__unit=ws.unit).delete()
    ind = {i.code: i for i in ws.indicators}
    ws.items = {
        "till_t11": make_observation(
            ind["T1.1"], text="說明福利前先詢問顧客是否已是會員", contexts=[TILL, "service_desk"]
        ),
        "till_t12": make_observation(ind["T1.2"], text="結帳時主動提醒點數到期日", contexts=[TILL]),
        "till_t12b": make_observation(
            ind["T1.2"], text="清楚說明兌換限制，不誇大優惠", contexts=[TILL]
        ),
        "desk_t21": make_observation(
            ind["T2.1"], text="協助顧客逐欄填寫入會申請", contexts=["service_desk"]
        ),
        "office_t41": make_observation(
            ind["T4.1"],
            text="檢視本月會員入會與回購數據並指出一項原因",
            contexts=[BACK_OFFICE],
        ),
        "meeting_t42": make_observation(
            ind["T4.2"], text="在店務會議提出獎勵調整建議", contexts=["team_meeting"]
        ),
    }
    ws.by_code = ind
    return ws


def _start(client, trainee, context, kind="observation"):
    data = {"context": context} if context is not None else {}
    return client.post(reverse("assessments:observation_start", args=[trainee.pk, kind]), data)


def _header():
    return {
        "occurred_on": timezone.localdate().isoformat(),
        "place": "台北信義店",
        "environment": "real",
        "summary": "櫃台服務",
        "confirm_lock": "1",  # submitting locks the record: the assessor confirms it
    }


def _profile_cells(client, trainee, code: str) -> dict[str, str]:
    """The profile matrix row of `code` on the trainee's page: its methods with satisfactory
    evidence and its evidence badges."""
    html = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    row = re.search(rf'<tr data-indicator="{re.escape(code)}".*?</tr>', html, re.S)
    assert row, code
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return {"methods": cells[2].strip(), "evidence": cells[4].strip()}


def test_the_assessor_chooses_the_context_first(ws, trainee, assessor_client):
    response = _start(assessor_client, trainee, None)
    html = response.content.decode()
    assert response.status_code == 200
    assert "櫃台結帳" in html and "後台辦公室" in html  # the contexts, translated
    assert 'value="role_play"' not in html  # a workplace observation is not a role play
    assert not ObservationDraft.objects.exists()


def test_a_till_observation_shows_only_till_behaviours_grouped_under_indicators(
    ws, trainee, assessor_client
):
    response = _start(assessor_client, trainee, TILL)
    assert response.status_code == 302
    html = assessor_client.get(response["Location"]).content.decode()
    items = ws.items
    for key in ("till_t11", "till_t12", "till_t12b"):
        assert items[key].text in html
        assert f'name="r_o{items[key].pk}"' in html
    for key in ("desk_t21", "office_t41", "meeting_t42"):
        assert items[key].text not in html
    headings = re.findall(r'class="h6[^"]*checklist-indicator" data-indicator="([^"]+)"', html)
    assert headings == ["T1.1", "T1.2"]  # one heading per indicator, no T4.x
    assert "T4.1" not in html and "T4.2" not in html
    # Indicator titles are headings, not judgeable rows.
    assert not re.search(r'name="r_i\d+', html)
    assert "櫃台結帳" in html  # the page says where it is observed


@pytest.mark.parametrize("forged", ["item", "indicator"])
def test_a_forged_t41_judgement_on_a_till_observation_is_refused(
    ws, trainee, assessor_client, forged
):
    response = _start(assessor_client, trainee, TILL)
    draft = ObservationDraft.objects.get()
    t41 = ws.by_code["T4.1"]
    key = f"o{ws.items['office_t41'].pk}" if forged == "item" else f"i{t41.pk}"
    response = assessor_client.post(
        reverse("assessments:observation", args=[draft.pk]),
        {
            **_header(),
            f"r_o{ws.items['till_t11'].pk}": "satisfactory",
            f"r_{key}": "satisfactory",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "只能評定此次觀察（櫃台結帳）檢核表上的行為" in html
    assert not EvidenceRecord.objects.exists()
    assert not EvidenceLine.objects.exists()
    draft.refresh_from_db()
    assert not draft.locked
    t41 = _profile_cells(assessor_client, trainee, "T4.1")
    assert t41 == {"methods": "—", "evidence": ""}


def test_a_back_office_observation_marks_t41_through_its_items(ws, trainee, assessor_client):
    response = _start(assessor_client, trainee, BACK_OFFICE)
    page = assessor_client.get(response["Location"]).content.decode()
    item = ws.items["office_t41"]
    assert item.text in page and ws.items["till_t11"].text not in page
    draft = ObservationDraft.objects.get()
    assert draft.context == BACK_OFFICE
    response = assessor_client.post(
        reverse("assessments:observation", args=[draft.pk]),
        {**_header(), f"r_o{item.pk}": "satisfactory", f"c_o{item.pk}": "能指出回購下降原因"},
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.get()
    assert record.context == BACK_OFFICE
    evidence_page = assessor_client.get(response["Location"]).content.decode()
    assert "觀察情境" in evidence_page and "後台辦公室" in evidence_page
    assert list(record.lines.values_list("observation_item_id", flat=True)) == [item.pk]
    assert _profile_cells(assessor_client, trainee, "T4.1")["methods"] == "工作場域觀察"
    assert _profile_cells(assessor_client, trainee, "T1.1")["evidence"] == ""


@pytest.mark.parametrize(
    ("first", "second", "methods", "badge"),
    [
        ("satisfactory", "satisfactory", "工作場域觀察", "success"),  # all observed satisfactory
        ("satisfactory", "not_observed", "工作場域觀察", "success"),  # one observed is enough
        ("satisfactory", "not_satisfactory", "—", "danger"),  # any not yet: not satisfactory
        ("not_observed", "not_observed", "—", None),  # nothing observed: no evidence
    ],
)
def test_the_indicator_result_follows_its_items(
    ws, trainee, assessor_client, first, second, methods, badge
):
    _start(assessor_client, trainee, TILL)
    draft = ObservationDraft.objects.get()
    a, b = ws.items["till_t12"], ws.items["till_t12b"]
    response = assessor_client.post(
        reverse("assessments:observation", args=[draft.pk]),
        {
            **_header(),
            f"r_o{a.pk}": first,
            f"r_o{b.pk}": second,
            f"r_o{ws.items['till_t11'].pk}": "satisfactory",
        },
    )
    assert response.status_code == 302
    t12 = _profile_cells(assessor_client, trainee, "T1.2")
    assert t12["methods"] == methods
    if badge is None:
        assert t12["evidence"] == ""
    else:
        assert f"text-bg-{badge}" in t12["evidence"] and "工作場域觀察" in t12["evidence"]


def test_a_role_play_uses_the_role_play_items_and_says_so(ws, trainee, assessor_client):
    role_item = make_observation(
        ws.by_code["T2.1"],
        method=AssessmentMethod.ROLE_PLAY,
        text="角色扮演中先確認「顧客」是否已是會員",
        contexts=["role_play"],
    )
    response = _start(assessor_client, trainee, TILL, kind="role_play")  # context is ignored
    assert response.status_code == 302
    draft = ObservationDraft.objects.get()
    assert draft.context == "role_play"
    html = assessor_client.get(response["Location"]).content.decode()
    assert role_item.text in html
    assert ws.items["till_t11"].text not in html
    assert "角色扮演" in html and "腳本" in html


@pytest.mark.parametrize("role", ["trainer", "trainee", "admin"])
def test_other_roles_cannot_start_or_submit_observations(
    ws, trainee, assessor_client, client_as, role
):
    _start(assessor_client, trainee, TILL)
    draft = ObservationDraft.objects.get()
    client, _user = client_as(role)
    assert _start(client, trainee, TILL).status_code in (403, 404)
    response = client.post(
        reverse("assessments:observation", args=[draft.pk]),
        {**_header(), f"r_o{ws.items['till_t11'].pk}": "satisfactory"},
    )
    assert response.status_code in (403, 404)
    assert ObservationDraft.objects.count() == 1
    assert not EvidenceRecord.objects.exists()


def test_the_demo_has_behaviours_in_context_and_trainee1_is_still_complete(role_groups):
    from assessments.demo import workspace as demo_workspace
    from assessments.selectors.profile import competency_profile
    from assessments.selectors.scope import assessment_context
    from content.demo import course as demo_course
    from content.demo import unit as demo_unit
    from demo import accounts
    from people.models import User
    from training import demo as demo_training

    accounts.load()
    demo_unit.load()
    demo_course.load()
    demo_training.load()
    demo_workspace.load()
    demo_workspace.load()  # idempotent
    unit = demo_unit.seed_unit()
    items = ObservationItem.objects.filter(indicator__unit=unit, live=True)
    per_indicator: dict[str, int] = {}
    for item in items.select_related("indicator"):
        per_indicator[item.indicator.code] = per_indicator.get(item.indicator.code, 0) + 1
        if item.indicator.code.startswith("T4"):
            assert set(item.contexts) <= {"back_office", "team_meeting"}, item.text
        else:
            assert not {"back_office", "team_meeting"} & set(item.contexts), item.text
    assert len(per_indicator) == 13
    assert all(2 <= n <= 3 for n in per_indicator.values()), per_indicator

    trainee1, trainee2 = (User.objects.get(username=u) for u in ("trainee1", "trainee2"))
    till = EvidenceRecord.objects.get(trainee=trainee1, context="till")
    assert not till.lines.filter(indicator__code__startswith="T4").exists()
    assert EvidenceRecord.objects.filter(trainee=trainee1, context="back_office").exists()
    _unit, course = assessment_context(trainee1)
    assert course is not None and course.min_performance_occasions >= 2
    assert competency_profile(trainee=trainee1, unit=unit, course=course).complete
    assert competency_profile(trainee=trainee2, unit=unit, course=course).gaps

    # The demo assessor's till observation of trainee1 offers no T4.x.
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="assessor"))
    response = _start(client, trainee1, TILL)
    html = client.get(response["Location"]).content.decode()
    headings = re.findall(r'checklist-indicator" data-indicator="([^"]+)"', html)
    assert headings and not [h for h in headings if h.startswith("T4")]
    assert "在店務會議中" not in html


def test_trainers_tick_contexts_and_the_list_shows_and_filters_them(ws, trainer_client):
    def url(name, *args):
        return reverse(ObservationItem.snippet_viewset.get_url_name(name), args=args)

    form = trainer_client.get(url("add")).content.decode()
    assert 'type="checkbox" name="contexts" value="back_office"' in form
    assert "後台辦公室" in form and "可觀察的情境" in form
    refused = trainer_client.post(
        url("add"), {"indicator": str(ws.by_code["T4.2"].pk), "text": "撰寫月報", "sort_order": "1"}
    )
    assert refused.status_code == 200 and not ObservationItem.objects.filter(text="撰寫月報")
    saved = trainer_client.post(
        url("add"),
        {
            "indicator": str(ws.by_code["T4.2"].pk),
            "text": "撰寫月報",
            "contexts": ["back_office", "team_meeting"],
            "sort_order": "1",
        },
    )
    assert saved.status_code == 302
    assert ObservationItem.objects.get(text="撰寫月報").contexts == ["back_office", "team_meeting"]

    listing = trainer_client.get(url("list"), {"context": "back_office"}).content.decode()
    assert ws.items["office_t41"].text in listing and "後台辦公室" in listing
    assert ws.items["till_t11"].text not in listing
    listing = trainer_client.get(url("list"), {"context": "till"}).content.decode()
    assert ws.items["till_t11"].text in listing and ws.items["office_t41"].text not in listing
