"""Reissuing a revoked certificate for the same, still current and Competent, decision."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.selectors.certificates import certificate_state
from assessments.services import certificates as services
from core.models import AuditEntry
from people.models import Notification
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_assessor

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(trainee, assessor):
    return make_decision(trainee=trainee, assessor=assessor, unit=make_unit())


@pytest.fixture
def revoked(decision, assessor, admin_user):
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    return services.certificate_revoke(certificate=certificate, by=admin_user, reason="誤發")


def _url(name, pk):
    with translation.override("zh-hant"):
        return reverse(f"assessments:{name}", args=[pk])


def test_admin_reissues_revoked_with_new_number(revoked, admin_user, trainee):
    before = Notification.objects.filter(user=trainee).count()
    new = services.certificate_reissue_revoked(certificate=revoked, by=admin_user, reason="更正")
    revoked.refresh_from_db()
    assert revoked.status == Certificate.Status.REVOKED
    assert certificate_state(revoked) == "revoked"
    assert new.replaces == revoked and new.number != revoked.number
    assert new.status == Certificate.Status.ISSUED and new.decision_id == revoked.decision_id
    assert Notification.objects.filter(user=trainee).count() == before + 1
    entry = AuditEntry.objects.filter(action="certificate.reissued").get()
    assert entry.data["replaced_by"] == new.number and entry.data["was_revoked"] is True
    with pytest.raises(services.CertificateError):
        services.certificate_reissue_revoked(certificate=revoked, by=admin_user, reason="again")
    with pytest.raises(services.CertificateError):
        services.certificate_reissue_revoked(certificate=new, by=admin_user, reason="not revoked")


def test_deciding_assessor_may_others_may_not(revoked, assessor, trainer, trainee):
    for user in (make_assessor(), trainer, trainee):
        with pytest.raises(PermissionDenied):
            services.certificate_reissue_revoked(certificate=revoked, by=user, reason="x")
    with pytest.raises(services.CertificateError):
        services.certificate_reissue_revoked(certificate=revoked, by=assessor, reason="  ")
    assert Certificate.objects.count() == 1
    new = services.certificate_reissue_revoked(certificate=revoked, by=assessor, reason="更正")
    assert new.issued_by == assessor


def test_refused_when_decision_corrected(revoked, decision, admin_user, trainee, assessor):
    make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=decision.unit,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        corrects=decision,
    )
    with pytest.raises(services.CertificateError, match="已被後續決定更正"):
        services.certificate_reissue_revoked(certificate=revoked, by=admin_user, reason="x")
    assert Certificate.objects.count() == 1


def test_detail_offers_form_to_admin_and_deciding_assessor_only(client_as, revoked):
    url = _url("certificate_detail", revoked.pk)
    for role, offered in (("admin", True), ("assessor", True), ("trainee", False)):
        client, _ = client_as(role)
        response = client.get(url)
        assert response.status_code == 200
        assert ('data-testid="reissue-revoked-form"' in response.content.decode()) == offered


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("trainee", 403), ("trainer", 403), ("other_trainee", 403)],
)
def test_reissue_post_refused_per_role(client_as, revoked, role, expected):
    client, _ = client_as(role)
    response = client.post(_url("certificate_reissue", revoked.pk), {"reason": "x"})
    assert response.status_code == expected
    assert Certificate.objects.count() == 1


def test_other_assessor_gets_404(client, revoked):
    client.force_login(make_assessor())
    response = client.post(_url("certificate_reissue", revoked.pk), {"reason": "x"})
    assert response.status_code == 404
    assert Certificate.objects.count() == 1


def test_reissue_post_by_assessor(client_as, revoked):
    client, _ = client_as("assessor")
    response = client.post(_url("certificate_reissue", revoked.pk), {"reason": "更正"})
    new = Certificate.objects.get(replaces=revoked)
    assert response.status_code == 302 and response["Location"] == _url(
        "certificate_detail", new.pk
    )
    # Empty reason: a clear message, nothing written.
    response = client.post(_url("certificate_reissue", new.pk), {"reason": ""}, follow=True)
    assert Certificate.objects.count() == 2


def test_assessor_may_not_reissue_valid_certificate(client_as, decision, assessor):
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    client, _ = client_as("assessor")
    response = client.post(_url("certificate_reissue", certificate.pk), {"reason": "x"})
    assert response.status_code == 403


def test_corrected_decision_refused_through_http(client_as, revoked, decision, trainee, assessor):
    make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=decision.unit,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        corrects=decision,
    )
    client, _ = client_as("admin")
    response = client.post(_url("certificate_reissue", revoked.pk), {"reason": "x"}, follow=True)
    assert response.status_code == 200
    assert Certificate.objects.count() == 1
    assert "已被後續決定更正" in response.content.decode()
