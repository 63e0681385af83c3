"""Portfolio tasks and the judgement per criterion: the trainee (or an assessor for them)
picks the unit's published task a file answers and sees what the assessor will look for;
the assessor then judges the evidence criterion by criterion, and the indicators it supports
follow from the criteria. The evidence page names the instrument and whether its revision
has been validated. Each role is refused or offered the upload and judge pages."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models.evidence import EvidenceRecord, Judgement, JudgementLine
from assessments.services.judgements import portfolio_upload
from assessments.services.third_party import (
    CriterionReport,
    third_party_report_submit,
    third_party_request_create,
)
from assessments.uploads import check_upload
from content.models.instruments import InstrumentCriterion, InstrumentKind
from tests.factories.instruments import make_instrument
from tests.factories.people import make_assessor
from tests.factories.workspace import PDF, upload, workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, other_trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee, other_trainee])


@pytest.fixture
def task(ws):
    ind = ws.indicators
    instrument = make_instrument(
        ws.unit,
        kind=InstrumentKind.PORTFOLIO,
        title="會員方案推廣企劃書",
        instructions="請上傳你為門市寫的會員方案推廣企劃書（一頁即可）。",
        criteria=[
            ("企劃書說明目標顧客與預期回購率", [ind[0], ind[1]]),
            ("企劃書列出推廣步驟與負責人", [ind[1]]),
            ("企劃書說明如何追蹤成效", [ind[2]]),
        ],
    )
    InstrumentCriterion.objects.filter(instrument=instrument, sort_order=0).update(
        guidance="有具體數字，例如三個月內回購率提升 5%"
    )
    return instrument


def _criteria(instrument):
    return list(instrument.criteria.order_by("sort_order"))


def _upload(trainee, ws, task, uploader=None):
    return portfolio_upload(
        uploader=uploader or trainee,
        trainee=trainee,
        unit=ws.unit,
        upload=check_upload(upload("plan.pdf", PDF)),
        summary="企劃書",
        instrument=task,
    )


# --- uploads with a portfolio task ---------------------------------------------------------


def test_trainee_sees_tasks_and_their_criteria_and_must_pick_one(ws, task, client_as):
    client, trainee = client_as("trainee")
    url = reverse("assessments:my_upload")
    page = client.get(url).content.decode()
    assert "會員方案推廣企劃書" in page and "請上傳你為門市寫的會員方案推廣企劃書" in page
    assert "評量人員會看的重點" in page
    for criterion in _criteria(task):
        assert criterion.text in page
    assert "有具體數字，例如三個月內回購率提升 5%" in page
    response = client.post(url, {"file": upload("plan.pdf", PDF), "summary": "企劃書"})
    assert response.status_code == 200
    assert "請選擇此檔案回應的作品集任務。" in response.content.decode()
    assert not EvidenceRecord.objects.exists()
    response = client.post(
        url, {"file": upload("plan.pdf", PDF), "summary": "企劃書", "instrument": task.pk}
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.get()
    assert record.instrument == task and record.instrument_revision_id == task.live_revision_id


def test_a_task_of_another_kind_or_unit_is_refused(ws, task, client_as, trainee):
    other_unit = make_instrument(
        workspace_build(assessor=None, trainees=[]).unit, kind=InstrumentKind.PORTFOLIO
    )
    prompts = make_instrument(ws.unit, kind=InstrumentKind.THIRD_PARTY)
    client, _ = client_as("trainee")
    for forged in (other_unit, prompts):
        response = client.post(
            reverse("assessments:my_upload"),
            {"file": upload("plan.pdf", PDF), "summary": "x", "instrument": forged.pk},
        )
        assert response.status_code == 200
    assert not EvidenceRecord.objects.exists()
    draft = make_instrument(ws.unit, kind=InstrumentKind.PORTFOLIO)
    draft.live = False
    draft.save()
    for wrong in (other_unit, prompts, draft):
        with pytest.raises(ValidationError):
            _upload(trainee, ws, wrong)
    assert not EvidenceRecord.objects.exists()


def test_without_tasks_the_upload_is_as_before(ws, client_as):
    client, _ = client_as("trainee")
    assert 'name="instrument"' not in client.get(reverse("assessments:my_upload")).content.decode()
    response = client.post(
        reverse("assessments:my_upload"), {"file": upload("r.pdf", PDF), "summary": "月報"}
    )
    assert response.status_code == 302 and EvidenceRecord.objects.get().instrument is None


def test_assessor_uploads_for_a_task(ws, task, client_as, trainee):
    client, _ = client_as("assessor")
    url = reverse("assessments:upload", args=[trainee.pk])
    assert "企劃書列出推廣步驟與負責人" in client.get(url).content.decode()
    response = client.post(
        url, {"file": upload("plan.pdf", PDF), "summary": "代傳", "instrument": task.pk}
    )
    assert response.status_code == 302
    assert EvidenceRecord.objects.get().instrument == task


# --- judging criterion by criterion ----------------------------------------------------------


def _judge(client, record, results, result="satisfactory", **extra):
    data = {"result": result, "notes": "", **extra}
    for criterion, value in results.items():
        data[f"r_c{criterion.pk}"] = value
        data[f"c_c{criterion.pk}"] = f"意見 {criterion.sort_order}"
    return client.post(reverse("assessments:evidence_judge", args=[record.pk]), data)


def test_the_judge_page_shows_criteria_not_indicator_checkboxes(ws, task, trainee, client_as):
    record = _upload(trainee, ws, task)
    client, _ = client_as("assessor")
    page = client.get(reverse("assessments:evidence_judge", args=[record.pk])).content.decode()
    for criterion in _criteria(task):
        assert f'name="r_c{criterion.pk}"' in page and criterion.text in page
    assert "有具體數字，例如三個月內回購率提升 5%" in page
    assert ws.indicators[0].code in page  # the indicators each criterion shows
    assert 'name="indicators"' not in page
    assert "未展現" in page  # not shown
    detail = client.get(reverse("assessments:evidence", args=[record.pk])).content.decode()
    assert 'data-testid="judge-link"' in detail and 'name="indicators"' not in detail


def test_judging_per_criterion_writes_lines_and_derives_indicators(ws, task, trainee, client_as):
    record = _upload(trainee, ws, task)
    first, second, third = _criteria(task)
    client, assessor = client_as("assessor")
    response = _judge(
        client,
        record,
        {first: "satisfactory", second: "not_satisfactory", third: "not_observed"},
    )
    assert response.status_code == 302
    judgement = Judgement.objects.get()
    lines = list(judgement.lines.order_by("pk"))
    assert [(line.criterion_id, line.indicator_id, line.result) for line in lines] == [
        (first.pk, ws.indicators[0].pk, "satisfactory"),
        (first.pk, ws.indicators[1].pk, "satisfactory"),
        (second.pk, ws.indicators[1].pk, "not_satisfactory"),
        (third.pk, ws.indicators[2].pk, "not_observed"),
    ]
    assert lines[0].label == first.text and lines[0].comment == "意見 0"
    # T1.1 only: T1.2 also has a not-yet line, T2.1 was not shown.
    assert list(judgement.indicators.all()) == [ws.indicators[0]]
    assert judgement.result == "satisfactory" and judgement.assessor == assessor
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="judgement-lines"' in page and "企劃書列出推廣步驟與負責人" in page


def test_an_all_not_yet_judgement_cannot_be_satisfactory(ws, task, trainee, client_as):
    record = _upload(trainee, ws, task)
    client, _ = client_as("assessor")
    all_not_yet = dict.fromkeys(_criteria(task), "not_satisfactory")
    response = _judge(client, record, all_not_yet)
    assert response.status_code == 200
    assert "沒有任何評量準則符合，因此此佐證不能判定為符合" in response.content.decode()
    assert not Judgement.objects.exists() and not JudgementLine.objects.exists()
    response = _judge(client, record, all_not_yet, result="not_satisfactory")
    assert response.status_code == 302
    judgement = Judgement.objects.get()
    assert judgement.result == "not_satisfactory" and not judgement.indicators.exists()


def test_a_forged_criterion_is_refused_on_the_judge_page(ws, task, trainee, client_as):
    record = _upload(trainee, ws, task)
    other = make_instrument(
        ws.unit, kind=InstrumentKind.PORTFOLIO, criteria=[("別的任務", [ws.indicators[3]])]
    )
    client, _ = client_as("assessor")
    results = dict.fromkeys(_criteria(task), "satisfactory") | {_criteria(other)[0]: "satisfactory"}
    response = _judge(client, record, results)
    assert response.status_code == 200
    assert "只能評定此佐證所用評量工具的評量準則" in response.content.decode()
    assert not Judgement.objects.exists()
    # Free indicators cannot be slipped in either: they follow from the criteria.
    response = _judge(
        client, record, {_criteria(task)[0]: "satisfactory"}, indicators=[ws.indicators[3].pk]
    )
    assert response.status_code == 302
    assert list(Judgement.objects.get().indicators.all()) == [ws.indicators[0], ws.indicators[1]]


def test_own_upload_is_judged_by_another_assessor(ws, task, trainee, assessor, client_as):
    record = _upload(trainee, ws, task, uploader=assessor)
    client, _ = client_as("assessor")
    url = reverse("assessments:evidence_judge", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="judge-refused"' in page and 'name="r_c' not in page
    response = _judge(client, record, dict.fromkeys(_criteria(task), "satisfactory"))
    assert response.status_code == 200 and not Judgement.objects.exists()
    colleague = make_assessor(name="第二評審")
    from assessments.services.workspace import assessor_assignment_create

    assessor_assignment_create(admin=None, assessor=colleague, cohort=ws.cohort)
    second = Client()
    second.force_login(colleague)
    assert _judge(second, record, {_criteria(task)[0]: "satisfactory"}).status_code == 302


def test_third_party_report_with_prompts_is_judged_per_criterion_and_verified(
    ws, trainee, assessor, client_as
):
    prompts = make_instrument(
        ws.unit,
        kind=InstrumentKind.THIRD_PARTY,
        criteria=[("會主動說明點數", [ws.indicators[0]]), ("抱怨時先聽完", [ws.indicators[2]])],
    )
    first, second = _criteria(prompts)
    _req, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
        instrument=prompts,
    )
    record = third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="店長",
        declared=True,
        observed_from=timezone.localdate(),
        summary="共事半年",
        criteria=[
            CriterionReport(first.pk, "satisfactory", "每天都看到"),
            CriterionReport(second.pk, "not_observed"),
        ],
    )
    client, _ = client_as("assessor")
    page = client.get(reverse("assessments:evidence_judge", args=[record.pk])).content.decode()
    assert "每天都看到" in page  # the supervisor's answer beside the criterion
    assert (
        f'id="r_c{first.pk}_satisfactory" value="satisfactory" autocomplete="off" checked' in page
    )
    results = {first: "satisfactory", second: "not_observed"}
    response = _judge(client, record, results)
    assert response.status_code == 200 and not Judgement.objects.exists()  # not verified
    response = _judge(client, record, results, verification="phone")
    assert response.status_code == 302
    assert list(Judgement.objects.get().indicators.all()) == [ws.indicators[0]]


# --- the evidence page ----------------------------------------------------------------------


def test_evidence_page_names_the_instrument_and_its_validation(ws, trainee, client_as):
    validator = make_assessor(name="效度審查員")
    task = make_instrument(
        ws.unit,
        kind=InstrumentKind.PORTFOLIO,
        title="已確認任務",
        validated_by=validator,
        criteria=[("說明目標顧客", [ws.indicators[0], ws.indicators[1]])],
    )
    record = _upload(trainee, ws, task)
    client, _ = client_as("assessor")
    page = client.get(reverse("assessments:evidence", args=[record.pk])).content.decode()
    assert "已確認任務" in page and str(task.get_kind_display()) in page
    assert "已由 效度審查員 於" in page and "確認效度" in page
    unvalidated = make_instrument(
        ws.unit,
        kind=InstrumentKind.PORTFOLIO,
        title="未確認任務",
        validated_by=None,
        criteria=[("說明目標顧客", [ws.indicators[0]])],
    )
    record = _upload(trainee, ws, unvalidated)
    page = client.get(reverse("assessments:evidence", args=[record.pk])).content.decode()
    assert 'data-testid="instrument-not-validated"' in page
    assert "在另一位評量人員確認此評量工具的效度之前，這項佐證不計入" in page
    # The trainee sees the same on their own evidence.
    trainee_client, _ = client_as("trainee")
    assert (
        "未確認任務"
        in trainee_client.get(reverse("assessments:evidence", args=[record.pk])).content.decode()
    )


def test_evidence_page_groups_supervisor_lines_by_criterion(ws, trainee, assessor, client_as):
    prompts = make_instrument(
        ws.unit,
        kind=InstrumentKind.THIRD_PARTY,
        criteria=[("會主動說明點數", [ws.indicators[0], ws.indicators[1]])],
    )
    _req, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
        instrument=prompts,
    )
    record = third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="店長",
        declared=True,
        observed_from=timezone.localdate(),
        summary="",
        criteria=[CriterionReport(_criteria(prompts)[0].pk, "satisfactory", "例子")],
    )
    client, _ = client_as("assessor")
    page = client.get(reverse("assessments:evidence", args=[record.pk])).content.decode()
    assert page.count("會主動說明點數") == 1  # one row for the criterion, both codes on it
    assert ws.indicators[0].code in page and ws.indicators[1].code in page


# --- who may upload and judge ----------------------------------------------------------------

ROLES = ("anonymous", "trainee", "trainer", "stranger", "assessor", "admin")


@pytest.fixture
def clients(client_as):
    found = {role: client_as(role)[0] for role in ("anonymous", "trainee", "trainer", "admin")}
    found["assessor"] = client_as("assessor")[0]
    stranger = make_assessor(name="別組評審")  # an assessor, not assigned to this cohort
    workspace_build(assessor=stranger, trainees=[])
    found["stranger"] = Client()
    found["stranger"].force_login(stranger)
    return found


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("trainer", 403),
        ("stranger", 404),
        ("assessor", 200),
        ("admin", 403),
    ],
)
def test_judge_page_by_role(ws, task, trainee, clients, role, status):
    record = _upload(trainee, ws, task)
    client = clients[role]
    url = reverse("assessments:evidence_judge", args=[record.pk])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert f'name="r_c{_criteria(task)[0].pk}"' in response.content.decode()
    response = _judge(client, record, dict.fromkeys(_criteria(task), "satisfactory"))
    assert response.status_code == (302 if role == "assessor" else status)
    assert Judgement.objects.exists() == (role == "assessor")


@pytest.mark.parametrize(
    ("role", "mine", "theirs"),
    [
        ("anonymous", 302, 302),
        ("trainee", 200, 403),
        ("trainer", 403, 403),
        ("stranger", 403, 404),
        ("assessor", 403, 200),
        ("admin", 403, 403),
    ],
)
def test_upload_pages_by_role(ws, task, trainee, clients, role, mine, theirs):
    """`mine`: the trainee's own upload page; `theirs`: the assessor's page for the trainee.
    Where offered, the page lists the unit's portfolio tasks."""
    client = clients[role]
    for url, status in (
        (reverse("assessments:my_upload"), mine),
        (reverse("assessments:upload", args=[trainee.pk]), theirs),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert f'value="{task.pk}"' in response.content.decode()
        response = client.post(
            url, {"file": upload("p.pdf", PDF), "summary": "x", "instrument": task.pk}
        )
        assert response.status_code == (302 if status == 200 else status), url
    offered = sum(s == 200 for s in (mine, theirs))
    assert EvidenceRecord.objects.count() == offered
