"""The audit pack: one trainee's assessment record as PDF (unit, evidence and judgements, the
rules of evidence, decisions with corrections, appeals, certificates), who may take it, the
audit entry it leaves, and a number of queries that does not grow with the evidence."""

import datetime
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models.appeals import Appeal, AppealAssignment, AppealOutcome
from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceKind
from assessments.services import certificates as certificate_services
from assessments.services.audit_pack import (
    AuditPackRefused,
    audit_pack_context,
    audit_pack_render,
)
from assessments.sufficiency import AUTHENTICITY, KNOWLEDGE, PERFORMANCE, RULE_LABELS
from core.models import AuditEntry
from tests.factories.people import make_assessor
from tests.factories.workspace import (
    give_complete_evidence,
    record_observation,
    record_questioning,
    workspace_build,
)

pytestmark = pytest.mark.django_db


def _text(content: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def _info(content: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()


@pytest.fixture
def ws(assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    return ws


@pytest.fixture
def history(ws, trainee, assessor, admin_user):
    """Not Yet Competent, appealed, overturned, corrected to Competent, certificate issued."""
    reviewer = make_assessor(name="王複審")
    first = Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        assessor=assessor,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        reasons="觀察紀錄不完整，需再評",
        assessed_on=datetime.date(2026, 11, 20),
    )
    appeal = Appeal.objects.create(decision=first, trainee=trainee, reason="觀察當天系統故障")
    AppealAssignment.objects.create(appeal=appeal, reviewer=reviewer, assigned_by=admin_user)
    AppealOutcome.objects.create(
        appeal=appeal,
        reviewer=reviewer,
        outcome=AppealOutcome.Outcome.OVERTURNED,
        reasons="重新檢視證據後改判",
    )
    second = Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        assessor=assessor,
        outcome=Decision.Outcome.COMPETENT,
        reasons="所有指標均有足夠證據",
        assessed_on=datetime.date(2026, 11, 25),
        corrects=first,
        correction_reason="申訴結果：原決定改判",
    )
    certificate = certificate_services.certificate_issue(decision=second, issued_by=assessor)
    return {"first": first, "second": second, "appeal": appeal, "certificate": certificate}


def _url(trainee_id: int) -> str:
    with translation.override("zh-hant"):
        return reverse("assessments:audit_pack", args=[trainee_id])


# --- content -------------------------------------------------------------------------------


def test_every_section_has_the_trainees_data(ws, history, trainee, assessor, admin_user, tmp_path):
    with translation.override("zh-hant"):
        content = audit_pack_render(trainee=trainee, unit=ws.unit, by=admin_user)
        labels = {
            "observation": str(EvidenceKind.OBSERVATION.label),
            "questioning": str(EvidenceKind.QUESTIONING.label),
            "rules": [str(RULE_LABELS[r]) for r in (PERFORMANCE, KNOWLEDGE, AUTHENTICITY)],
            "nyc": str(Decision.Outcome.NOT_YET_COMPETENT.label),
            "overturned": str(AppealOutcome.Outcome.OVERTURNED.label),
        }
    text = _text(content, tmp_path)
    flat = "".join(text.split())
    # The cover and the unit
    assert "林小美" in text and ws.unit.code in text
    assert "評量紀錄" in text  # the title, in Chinese
    for indicator in ws.indicators:
        assert indicator.code in text
    # Evidence: each record with its kind, assessor and results per indicator
    assert labels["observation"] in text and labels["questioning"] in text
    assert "陳評審" in text
    assert "符合" in text  # Satisfactory, line by line
    assert "由 陳評審 記錄" in text or "recorded by 陳評審" in text  # authenticity
    # Rules of evidence per indicator
    assert "證據規則" in text
    for label in labels["rules"]:
        assert label in text
    # Decisions with their correction, appeals with their outcome
    assert labels["nyc"] in text and "適任" in text
    assert "觀察紀錄不完整，需再評" in text
    assert "申訴結果：原決定改判" in flat
    assert "觀察當天系統故障" in text and "王複審" in text
    assert labels["overturned"] in text and "重新檢視證據後改判" in text
    # The certificate: number, status, verification address
    certificate = history["certificate"]
    assert certificate.number in text
    assert certificate.verification_code in flat
    assert "有效" in text or "Valid" in text


def test_pack_is_tagged_with_title_and_language(ws, trainee, admin_user, tmp_path):
    with translation.override("zh-hant"):
        content = audit_pack_render(trainee=trainee, unit=ws.unit, by=admin_user)
    info = _info(content, tmp_path)
    assert re.search(r"Tagged:\s+yes", info)
    assert "林小美" in info and ws.unit.code in info  # the title
    assert b"/Lang (zh-Hant)" in _pdf_objects(content)


def _pdf_objects(content: bytes) -> bytes:
    """The PDF's objects, with its compressed streams (object streams too) inflated."""
    import zlib

    out = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_a_trainee_without_records_gets_a_pack_saying_so(ws, other_trainee, admin_user, tmp_path):
    with translation.override("zh-hant"):
        content = audit_pack_render(trainee=other_trainee, unit=ws.unit, by=admin_user)
    text = _text(content, tmp_path)
    assert "王大明" in text
    assert "尚無評量決定" in text


def test_context_carries_a_qr_code_per_certificate(ws, history, trainee, admin_user):
    context = audit_pack_context(trainee=trainee, unit=ws.unit, by=admin_user)
    (item,) = context["certificates"]
    assert item.qr_uri.startswith("data:image/svg+xml")
    assert item.verify_url.endswith(f"/verify/{history['certificate'].verification_code}/")
    assert item.state == "valid"


# --- queries ---------------------------------------------------------------------------------


def _render_queries(trainee, unit, by) -> int:
    with translation.override("zh-hant"), CaptureQueriesContext(connection) as queries:
        audit_pack_render(trainee=trainee, unit=unit, by=by)
    return len(queries)


def test_queries_do_not_grow_with_the_evidence(
    ws, history, trainee, assessor, admin_user, django_assert_max_num_queries
):
    small = _render_queries(trainee, ws.unit, admin_user)
    with django_assert_max_num_queries(45):
        audit_pack_render(trainee=trainee, unit=ws.unit, by=admin_user)
    for day in range(1, 5):
        on = datetime.date(2026, 11, day)
        record_observation(assessor=assessor, trainee=trainee, ws=ws, on=on)
        record_questioning(assessor=assessor, trainee=trainee, ws=ws, on=on)
    large = _render_queries(trainee, ws.unit, admin_user)
    assert large <= small, (small, large)
    with django_assert_max_num_queries(45):
        audit_pack_render(trainee=trainee, unit=ws.unit, by=admin_user)


# --- who may take it ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 200),  # their own record
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 200),  # in scope (assigned to the cohort)
        ("admin", 200),
    ],
)
def test_access_per_role(client_as, ws, trainee, role, expected):
    client, user = client_as(role)
    response = client.get(_url(trainee.pk))
    assert response.status_code == expected
    entries = AuditEntry.objects.filter(action="audit_pack.downloaded", trainee=trainee)
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF")
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
        (entry,) = entries
        assert entry.actor == user
        assert entry.data["unit"] == ws.unit.code
        assert len(entry.data["sha256"]) == 64
    else:
        assert not entries.exists()
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_assessor_out_of_scope_is_not_found(client, ws, trainee):
    outsider = make_assessor(name="外店評審")
    client.force_login(outsider)
    assert client.get(_url(trainee.pk)).status_code == 404
    assert not AuditEntry.objects.filter(action="audit_pack.downloaded").exists()


def test_unknown_ids_and_non_trainees_are_not_found(client_as, ws, assessor):
    client, _ = client_as("admin")
    assert client.get(_url(assessor.pk)).status_code == 404
    assert client.get(_url(2**62)).status_code == 404
    assert client.post(_url(assessor.pk)).status_code == 405


def test_the_trainee_may_take_only_their_own(client_as, ws, trainee, other_trainee):
    client, _ = client_as("other_trainee")
    assert client.get(_url(other_trainee.pk)).status_code == 200
    assert client.get(_url(trainee.pk)).status_code == 403


def test_service_refuses_those_out_of_scope(ws, trainee, trainer):
    with pytest.raises(AuditPackRefused):
        audit_pack_render(trainee=trainee, unit=ws.unit, by=trainer)
    assert not AuditEntry.objects.filter(action="audit_pack.downloaded").exists()


def test_admins_user_list_links_each_trainees_record(client_as, ws, trainee, assessor):
    client, _ = client_as("admin")
    with translation.override("zh-hant"):
        response = client.get(reverse("wagtailusers_users:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert _url(trainee.pk) in html
    assert "評量紀錄（PDF）" in html
    assert _url(assessor.pk) not in html  # not a trainee: no record to take
