"""The certificate card and the audit pack link on the assessor's trainee page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.services import certificates as services
from tests.factories.certificates import make_decision
from tests.factories.people import make_assessor
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


def _url(name, *args):
    with translation.override("zh-hant"):
        return reverse(f"assessments:{name}", args=args)


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def _decide(ws, trainee, assessor, **extra):
    if not extra:
        return make_decision(trainee=trainee, assessor=assessor, unit=ws.unit, course=ws.course)
    return Decision.objects.create(
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        assessor=assessor,
        outcome=Decision.Outcome.COMPETENT,
        reasons="所有指標均有足夠證據。",
        assessed_on=datetime.date(2026, 11, 20),
        **extra,
    )


def test_no_card_without_competent_decision(ws, trainee, assessor_client):
    html = assessor_client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="certificate-card"' not in html
    assert _url("audit_pack", trainee.pk) in html and "評量紀錄（PDF）" in html


def test_deciding_assessor_issues_from_the_card(ws, trainee, assessor, assessor_client):
    decision = _decide(ws, trainee, assessor)
    html = assessor_client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="issue-certificate"' in html
    assert _url("certificate_issue", decision.pk) in html
    response = assessor_client.post(_url("certificate_issue", decision.pk))
    certificate = Certificate.objects.get(decision=decision)
    assert response["Location"] == _url("certificate_detail", certificate.pk)
    html = assessor_client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="issue-certificate"' not in html
    assert certificate.number in html
    assert _url("certificate_download", certificate.pk) in html
    assert certificate.verification_code in html


def test_waiting_for_moderation_says_why(ws, trainee, assessor, assessor_client):
    decision = _decide(ws, trainee, assessor, moderation_required=True)
    html = assessor_client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="issue-certificate"' not in html
    assert 'data-testid="certificate-why-not"' in html and "第二位評量人員" in html
    assessor_client.post(_url("certificate_issue", decision.pk))
    assert not Certificate.objects.exists()


def test_other_assessor_in_scope_sees_why_not(ws, trainee, assessor, client):
    _decide(ws, trainee, assessor)
    other = make_assessor()
    from assessments.services.workspace import assessor_assignment_create

    assessor_assignment_create(admin=None, assessor=other, cohort=ws.cohort)
    client.force_login(other)
    html = client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="certificate-why-not"' in html
    assert 'data-testid="issue-certificate"' not in html


def test_admin_sees_issued_certificate(ws, trainee, assessor, client_as):
    decision = _decide(ws, trainee, assessor)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    client, _ = client_as("admin")
    html = client.get(_url("trainee", trainee.pk)).content.decode()
    assert 'data-testid="certificate-number"' in html and certificate.number in html


def test_learner_page_links_own_audit_pack(ws, trainee, client):
    client.force_login(trainee)
    html = client.get(_url("me")).content.decode()
    assert _url("audit_pack", trainee.pk) in html
