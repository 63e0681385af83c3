"""Every view of the assessor workspace, for every role, plus id tampering, uploads through
the views, exports and the heat map's query count."""

import csv
import datetime
import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceRecord, ObservationDraft
from assessments.services.appeals import appeal_lodge
from assessments.services.decisions import decision_record
from assessments.services.evidence import observation_draft_start
from assessments.services.judgements import portfolio_upload
from assessments.services.third_party import third_party_request_create
from assessments.uploads import check_upload
from content.models.observation import ObservationItem
from core.models import AuditEntry
from tests.factories.people import make_assessor, make_trainee
from tests.factories.workspace import (
    EXE,
    PDF,
    docx_bytes,
    give_complete_evidence,
    record_observation,
    upload,
    workspace_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, other_trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee, other_trainee])


ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


@pytest.fixture
def world(ws, client_as, trainee, assessor):
    users = {role: client_as(role)[1] for role in ROLES}
    record = portfolio_upload(
        uploader=trainee,
        trainee=trainee,
        unit=ws.unit,
        upload=check_upload(upload("report.pdf", PDF)),
        summary="月報",
    )
    observation = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )
    decision = decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome="not_yet_competent",
        reasons="尚缺",
        feedback="多練習",
        reassessment_on=timezone.localdate(),
        assessed_on=timezone.localdate(),
    )
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="不同意")
    _req, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="b@example.test",
    )
    return {
        "users": users,
        "record": record,
        "observation": observation,
        "draft": draft,
        "decision": decision,
        "appeal": appeal,
        "token": token,
        "ws": ws,
    }


def _expect(anon, trainee, other, trainer, assessor, admin):
    return dict(zip(ROLES, (anon, trainee, other, trainer, assessor, admin), strict=True))


# Recording, judging and deciding are for Assessor-group members only; admins oversee.
STAFF_ONLY = _expect(302, 403, 403, 403, 200, 403)
CASES = [
    # Trainers are not in /assess/ (issue 13): evidence and decisions are for assessors and admins.
    ("GET", lambda w: reverse("assessments:dashboard"), _expect(302, 403, 403, 403, 200, 200)),
    (
        "GET",
        lambda w: reverse("assessments:trainee", args=[w["record"].trainee_id]),
        _expect(302, 403, 403, 403, 200, 200),
    ),
    (
        "POST",
        lambda w: reverse(
            "assessments:observation_start", args=[w["record"].trainee_id, "role_play"]
        ),
        _expect(302, 403, 403, 403, 302, 403),
    ),
    (
        "GET",
        lambda w: reverse("assessments:observation", args=[w["draft"].pk]),
        _expect(302, 403, 403, 403, 200, 403),
    ),
    (
        "GET",
        lambda w: reverse("assessments:customer_feedback", args=[w["record"].trainee_id]),
        STAFF_ONLY,
    ),
    (
        "GET",
        lambda w: reverse("assessments:questioning", args=[w["record"].trainee_id]),
        STAFF_ONLY,
    ),
    ("GET", lambda w: reverse("assessments:upload", args=[w["record"].trainee_id]), STAFF_ONLY),
    (
        "GET",
        lambda w: reverse("assessments:third_party_new", args=[w["record"].trainee_id]),
        STAFF_ONLY,
    ),
    ("GET", lambda w: reverse("assessments:decide", args=[w["record"].trainee_id]), STAFF_ONLY),
    (
        "GET",
        lambda w: reverse("assessments:evidence", args=[w["record"].pk]),
        _expect(302, 200, 404, 404, 200, 200),
    ),
    ("GET", lambda w: reverse("assessments:evidence_judge", args=[w["record"].pk]), STAFF_ONLY),
    (
        "GET",
        lambda w: reverse("assessments:evidence_correct", args=[w["observation"].pk]),
        STAFF_ONLY,
    ),
    (
        "GET",
        lambda w: reverse("assessments:evidence_file", args=[w["record"].pk]),
        _expect(302, 200, 404, 404, 200, 200),
    ),
    (
        "GET",
        lambda w: reverse("assessments:third_party_form", args=[w["token"]]),
        _expect(200, 200, 200, 200, 200, 200),
    ),
    ("GET", lambda w: reverse("assessments:me"), _expect(302, 200, 200, 403, 403, 403)),
    ("GET", lambda w: reverse("assessments:my_upload"), _expect(302, 200, 200, 403, 403, 403)),
    ("GET", lambda w: reverse("assessments:appeals"), _expect(302, 403, 403, 403, 200, 200)),
    (
        "GET",
        lambda w: reverse("assessments:appeal", args=[w["appeal"].pk]),
        _expect(302, 403, 403, 403, 404, 200),
    ),
    ("GET", lambda w: reverse("assessments:audit"), _expect(302, 403, 403, 403, 403, 200)),
    ("GET", lambda w: reverse("assessments:audit_csv"), _expect(302, 403, 403, 403, 403, 200)),
    ("GET", lambda w: reverse("assessments:audit_xlsx"), _expect(302, 403, 403, 403, 403, 200)),
    ("GET", lambda w: reverse("assessments:assignments"), _expect(302, 403, 403, 403, 403, 200)),
    ("GET", lambda w: reverse("assessments:oral_questions"), _expect(302, 403, 403, 403, 200, 200)),
]


@pytest.mark.parametrize(
    ("method", "url", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(world, client_as, method, url, expected, role):
    client, _user = client_as(role)
    response = getattr(client, method.lower())(url(world))
    assert response.status_code == expected[role], (role, url(world), response.status_code)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 302),
        ("other_trainee", 404),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_appeal_post_by_role(world, client_as, role, expected):
    world["appeal"]  # an appeal already open: a second one is refused with a message, not an error
    client, _ = client_as(role)
    response = client.post(
        reverse("assessments:my_appeal", args=[world["decision"].pk]), {"reason": "再議"}
    )
    assert response.status_code == expected


def test_personal_pages_are_not_cached(world, client_as):
    client, _ = client_as("trainee")
    assert "no-store" in client.get(reverse("assessments:me"))["Cache-Control"]
    client, _ = client_as("assessor")
    assert (
        "no-store"
        in client.get(reverse("assessments:trainee", args=[world["record"].trainee_id]))[
            "Cache-Control"
        ]
    )


# --- id tampering ------------------------------------------------------------------------------


def test_trainee_cannot_reach_other_trainees_records(world, client_as, other_trainee):
    client, _ = client_as("other_trainee")
    for name, pk in (
        ("evidence", world["record"].pk),
        ("evidence_file", world["record"].pk),
        ("evidence", world["observation"].pk),
    ):
        assert client.get(reverse(f"assessments:{name}", args=[pk])).status_code == 404
    response = client.get(reverse("assessments:me"))
    assert "月報" not in response.content.decode()
    assert (
        client.post(
            reverse("assessments:my_appeal", args=[world["decision"].pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_assessor_outside_scope_gets_404(world):
    from django.test import Client

    stranger = make_assessor(name="別組評審")
    client = Client()
    client.force_login(stranger)
    tid = world["record"].trainee_id
    for url in (
        reverse("assessments:trainee", args=[tid]),
        reverse("assessments:decide", args=[tid]),
        reverse("assessments:evidence", args=[world["record"].pk]),
        reverse("assessments:evidence_file", args=[world["record"].pk]),
        reverse("assessments:observation", args=[world["draft"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("assessments:observation_start", args=[tid, "observation"])).status_code
        == 404
    )
    assert not ObservationDraft.objects.filter(assessor=stranger).exists()
    html = client.get(reverse("assessments:dashboard")).content.decode()
    assert world["record"].trainee.printed_name not in html


# --- observations --------------------------------------------------------------------------------


def test_observation_autosave_and_submit_locks(world, client_as):
    client, _ = client_as("assessor")
    draft = world["draft"]
    url = reverse("assessments:observation_autosave", args=[draft.pk])
    item = ObservationItem.objects.get(indicator=world["ws"].indicators[0])
    key = f"r_o{item.pk}"
    response = client.post(
        url,
        json.dumps({"revision": 3, "data": {key: "satisfactory", "place": "門市"}}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["revision"] == 3
    stale = client.post(
        url, json.dumps({"revision": 2, "data": {}}), content_type="application/json"
    )
    assert stale.status_code == 409
    draft.refresh_from_db()
    assert draft.data[key] == "satisfactory"
    page = client.get(reverse("assessments:observation", args=[draft.pk])).content.decode()
    assert 'value="門市"' in page
    # Bad input: missing date -> error, nothing written.
    before = EvidenceRecord.objects.count()
    response = client.post(
        reverse("assessments:observation", args=[draft.pk]), {key: "satisfactory"}
    )
    assert response.status_code == 200 and EvidenceRecord.objects.count() == before
    response = client.post(
        reverse("assessments:observation", args=[draft.pk]),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "place": "門市",
            "environment": "simulated",
            "summary": "角色扮演",
            "confirm_lock": "1",
            key: "satisfactory",
            f"c_o{item.pk}": "清楚說明",
        },
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.latest("pk")
    assert record.environment == "simulated" and record.lines.filter(comment="清楚說明").exists()
    assert (
        client.post(
            url, json.dumps({"revision": 9, "data": {}}), content_type="application/json"
        ).status_code
        == 409
    )
    assert client.get(reverse("assessments:observation", args=[draft.pk])).status_code == 302


def test_autosave_of_another_assessors_draft_is_404(world, client):
    from tests.factories.people import make_assessor

    client.force_login(make_assessor(name="另一位評審"))
    response = client.post(
        reverse("assessments:observation_autosave", args=[world["draft"].pk]),
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 404


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE, "不符"),
        ("virus.exe", EXE, "不接受此類型的檔案"),
        ("photo.png", PDF, "不符"),
        ("doc.docx", b"PK\x03\x04" + b"\x00" * 40, "不符"),
    ],
)
def test_upload_rejects_wrong_types(world, client_as, name, content, message):
    client, trainee = client_as("trainee")
    before = EvidenceRecord.objects.count()
    response = client.post(
        reverse("assessments:my_upload"), {"file": upload(name, content), "summary": "x"}
    )
    assert response.status_code == 200
    assert message in response.content.decode() or message in str(response.context["form"].errors)
    assert EvidenceRecord.objects.count() == before


def test_upload_rejects_oversize(world, client_as, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1024
    client, _ = client_as("trainee")
    before = EvidenceRecord.objects.count()
    response = client.post(
        reverse("assessments:my_upload"),
        {"file": upload("big.pdf", PDF + b"0" * 2000), "summary": "x"},
    )
    assert response.status_code == 200 and "檔案太大" in str(response.context["form"].errors)
    assert EvidenceRecord.objects.count() == before


def test_upload_accepts_docx_and_serves_privately(world, client_as, settings):
    client, trainee = client_as("trainee")
    response = client.post(
        reverse("assessments:my_upload"),
        {"file": upload("表單.docx", docx_bytes()), "summary": "入會表"},
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.latest("pk")
    assert record.file_original_name == "表單.docx" and len(record.file_sha256) == 64
    stored = settings.STORAGES["private"]["OPTIONS"]["location"] / record.file_name
    assert stored.exists() and str(settings.MEDIA_ROOT) not in str(stored)
    download = client.get(reverse("assessments:evidence_file", args=[record.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == docx_bytes()


def test_assessor_judges_trainee_upload_through_view(world, client_as):
    client, assessor = client_as("assessor")
    record = world["record"]
    ind = world["ws"].indicators[0]
    response = client.post(
        reverse("assessments:evidence_judge", args=[record.pk]),
        {"result": "satisfactory", "indicators": [ind.pk], "notes": "真實"},
    )
    assert response.status_code == 302
    assert record.judgements.get().indicators.get() == ind
    # Tampered indicator id (another unit) is refused by the form.
    other = workspace_build(assessor=None, trainees=[])
    response = client.post(
        reverse("assessments:evidence_judge", args=[record.pk]),
        {"result": "satisfactory", "indicators": [other.indicators[0].pk]},
    )
    assert response.status_code == 200 and record.judgements.count() == 1


# --- third party ----------------------------------------------------------------------------


def test_third_party_request_shows_and_mails_link(
    world, client_as, django_capture_on_commit_callbacks
):
    client, _ = client_as("assessor")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post(
            reverse("assessments:third_party_new", args=[world["record"].trainee_id]),
            {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"},
        )
    link = response.context["link"]
    assert link and link in mail.outbox[-1].body and mail.outbox[-1].to == ["lin@example.test"]


def test_third_party_form_submit_then_used_and_expired(world, client):
    ws = world["ws"]
    url = reverse("assessments:third_party_form", args=[world["token"]])
    data = {
        "supervisor_name": "王店長",
        "supervisor_role": "店長",
        "observed_from": timezone.localdate().isoformat(),
        "summary": "共事半年",
        **{f"r_{i.pk}": "satisfactory" for i in ws.indicators},
    }
    response = client.post(url, data)  # no declaration
    assert (
        response.status_code == 200
        and not EvidenceRecord.objects.filter(kind="third_party").exists()
    )
    response = client.post(url, {**data, "declaration": "on"})
    assert response.status_code == 200 and "third-party-thanks" in response.content.decode()
    record = EvidenceRecord.objects.get(kind="third_party")
    assert record.third_party_declared and record.lines.count() == len(ws.indicators)
    again = client.get(url)
    assert again["Referrer-Policy"] == "same-origin"  # the token never leaves the site
    assert again.status_code == 410 and "link-refused" in again.content.decode()
    assert client.post(url, {**data, "declaration": "on"}).status_code == 410
    assert (
        client.get(reverse("assessments:third_party_form", args=["guess" * 9])).status_code == 404
    )
    req, token = third_party_request_create(
        assessor=world["users"]["assessor"],
        trainee=record.trainee,
        unit=ws.unit,
        supervisor_name="x",
        supervisor_email="x@example.test",
    )
    req.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    req.save()
    expired = client.get(reverse("assessments:third_party_form", args=[token]))
    assert expired.status_code == 410
    assert "expired" in expired.content.decode() or "過期" in expired.content.decode()


# --- decisions --------------------------------------------------------------------------------


def test_decision_view_refuses_competent_with_gaps_then_accepts(ws, client_as, trainee, assessor):
    client, _ = client_as("assessor")
    url = reverse("assessments:decide", args=[trainee.pk])
    data = {
        "outcome": "competent",
        "assessed_on": timezone.localdate().isoformat(),
        "reasons": "表現良好",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "decision-gaps" in response.content.decode()
    assert "T1.1" in response.content.decode()
    assert not Decision.objects.exists()
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    assert client.post(url, data).status_code == 302
    assert Decision.objects.get().outcome == "competent"


def test_trainer_sees_no_assessment_records_and_cannot_decide(ws, client_as, trainee):
    client, _ = client_as("trainer")
    response = client.get(reverse("assessments:trainee", args=[trainee.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "assessor-actions" not in html and "profile-matrix" not in html
    data = {
        "outcome": "not_yet_competent",
        "assessed_on": timezone.localdate().isoformat(),
        "reasons": "x",
        "feedback": "x",
        "reassessment_on": timezone.localdate().isoformat(),
    }
    assert client.post(reverse("assessments:decide", args=[trainee.pk]), data).status_code == 403
    assert not Decision.objects.exists()


def test_trainee_sees_decision_and_lodges_appeal(ws, client_as, trainee, assessor):
    decision = decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome="not_yet_competent",
        reasons="尚缺觀察",
        feedback="請多練習",
        reassessment_on=timezone.localdate(),
        assessed_on=timezone.localdate(),
    )
    client, _ = client_as("trainee")
    html = client.get(reverse("assessments:me")).content.decode()
    assert "請多練習" in html and "appeal-form" in html
    client.post(reverse("assessments:my_appeal", args=[decision.pk]), {"reason": "觀察時系統故障"})
    assert decision.appeals.get().reason == "觀察時系統故障"
    assert "appeal-form" not in client.get(reverse("assessments:me")).content.decode()


def test_admin_assigns_reviewer_and_reviewer_records_outcome(world, client_as):
    admin, _ = client_as("admin")
    reviewer = make_assessor(name="獨立評審")
    url = reverse("assessments:appeal", args=[world["appeal"].pk])
    response = admin.post(url, {"action": "assign", "reviewer": world["users"]["assessor"].pk})
    assert not world["appeal"].assignments.exists()  # the original assessor is not offered
    admin.post(url, {"action": "assign", "reviewer": reviewer.pk})
    assert world["appeal"].assignments.get().reviewer == reviewer
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.post(url, {"action": "outcome", "outcome": "upheld", "reasons": "證據不足"})
    assert world["appeal"].outcomes.get().outcome == "upheld"
    assert response.status_code == 200


# --- audit exports -----------------------------------------------------------------------------


def test_audit_csv_neutralises_formulas_and_xlsx_opens(world, client_as, trainee):
    from openpyxl import load_workbook

    portfolio_upload(
        uploader=trainee,
        trainee=trainee,
        unit=world["ws"].unit,
        upload=check_upload(upload("=HYPERLINK(1).pdf", PDF)),
        summary="x",
    )
    assert AuditEntry.objects.filter(summary__startswith="=").exists()
    client, _ = client_as("admin")
    text = client.get(reverse("assessments:audit_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    summaries = [r[6] for r in rows[1:]]
    assert "'=HYPERLINK(1).pdf" in summaries and not any(s.startswith("=") for s in summaries)
    response = client.get(reverse("assessments:audit_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1).pdf" in values
    assert len(values) == AuditEntry.objects.count()


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_statuses(ws, client_as, trainee, other_trainee, assessor):
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    client, _ = client_as("assessor")
    response = client.get(reverse("assessments:dashboard"))
    rows = {r.trainee.pk: r for r in response.context["rows"]}
    assert rows[trainee.pk].status == "ready"
    assert rows[other_trainee.pk].status == "in_training"
    assert rows[other_trainee.pk].needs
    html = response.content.decode()
    assert "heat-met" in html and "heat-none" in html and 'style="' not in html.split("<main")[1]


def _cohort_of(n, assessor):
    trainees = [make_trainee(name=f"學員{i}") for i in range(n)]
    ws = workspace_build(assessor=assessor, trainees=trainees, tasks=4, per_task=3)
    for t in trainees[: max(1, n // 10)]:
        give_complete_evidence(assessor=assessor, trainee=t, ws=ws)
    return ws


@pytest.mark.parametrize("size", [20, 200])
def test_heat_map_query_count_does_not_grow(client_as, django_assert_max_num_queries, size):
    client, assessor = client_as("assessor")
    cohort_ws = _cohort_of(size, assessor)
    with django_assert_max_num_queries(26) as queries:  # +1: the header's unread count
        response = client.get(reverse("assessments:dashboard"), {"cohort": cohort_ws.cohort.code})
    assert response.status_code == 200
    assert len(response.context["rows"]) == size
    print("dashboard queries", size, len(queries.captured_queries))
    assert response.content.decode().count("heat-met") >= 12 * max(1, size // 10)


def test_appeal_reviewer_outside_scope_sees_trainee_and_records_correction(world, client_as):
    from django.test import Client

    from assessments.services.appeals import appeal_assign

    admin = world["users"]["admin"]
    reviewer = make_assessor(name="獨立評審")
    trainee = world["record"].trainee
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("assessments:trainee", args=[trainee.pk])).status_code == 404
    appeal_assign(admin=admin, appeal=world["appeal"], reviewer=reviewer)
    page = client.get(reverse("assessments:trainee", args=[trainee.pk]))
    assert page.status_code == 200 and "assessor-actions" not in page.content.decode()
    url = reverse("assessments:decide", args=[trainee.pk])
    data = {
        "outcome": "not_yet_competent",
        "assessed_on": timezone.localdate().isoformat(),
        "reasons": "複查",
        "feedback": "補足觀察",
        "reassessment_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data)  # not a correction: refused with a message
    assert response.status_code == 200 and Decision.objects.count() == 1
    response = client.post(url, {**data, "correction_reason": "申訴審查後更正回饋"})
    assert response.status_code == 302
    correction = Decision.objects.latest("pk")
    assert (
        correction.corrects == world["decision"]
        and correction.round_number == world["decision"].round_number
    )
    assert correction.assessor == reviewer
