"""Issue 13, certificates: no walking the register by number, no name-derived value in the
public credential, revoked and superseded credentials say what they are, and every
certificate change is audited. Through HTTP, as the role that would try it."""

import datetime
import hashlib
import json
import unicodedata
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import badges
from assessments.models.certificates import BulkIssueItem, BulkIssueJob, Certificate
from assessments.services import certificate_bulk
from assessments.services import certificates as services
from core.models import AuditEntry
from people.models import Cohort
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


@pytest.fixture(autouse=True)
def _default_language(settings):
    """A request to /en/ leaves English active in the thread: reset it around each test."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def unit():
    return make_unit()


@pytest.fixture
def certificate(trainee, assessor, unit):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    return services.certificate_issue(decision=decision, issued_by=assessor)


def _lookup(client, **params):
    return client.get(reverse("verify:index"), params)


def _result(response) -> str:
    """The answer part of the verify page (the form below it echoes what was typed)."""
    html = response.content.decode()
    main = html.split("<main", 1)[1]
    return main.split('data-testid="verify-number-form"', 1)[0]


# --- look-up by number needs the name as printed ------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_number_alone_finds_nothing_and_wrong_name_answers_like_unknown_number(
    client_as, certificate, role
):
    client, _ = client_as(role)
    unknown = _lookup(client, number="LA-2026-999999", name=certificate.holder_name)
    alone = _lookup(client, number=certificate.number)
    blank_name = _lookup(client, number=certificate.number, name="  ")
    wrong = _lookup(client, number=certificate.number, name="林小明")
    prefix = _lookup(client, number=certificate.number, name=certificate.holder_name[:2])
    for response in (unknown, alone, blank_name, wrong, prefix):
        assert response.status_code == 404
        result = _result(response)
        assert 'data-state="not_found"' in result
        assert 'data-testid="verify-result"' not in result
        for leak in (
            certificate.pdf_sha256,
            certificate.unit.code,
            "林*美",
            certificate.verification_code,
        ):
            assert leak not in response.content.decode()
    # a wrong name reads exactly like an unknown number
    assert _result(wrong) == _result(unknown)


@pytest.mark.parametrize("role", ROLES)
def test_number_and_name_as_printed_find_the_certificate(client_as, certificate, role):
    client, _ = client_as(role)
    decomposed = unicodedata.normalize("NFD", certificate.holder_name)
    response = _lookup(client, number=certificate.number.lower(), name=f"  {decomposed}\t")
    assert response.status_code == 200
    result = _result(response)
    assert 'data-state="valid"' in result and certificate.number in result
    assert "林*美" in result and certificate.holder_name not in result
    assert certificate.verification_code not in response.content.decode()


def test_name_comparison_is_nfc_for_composed_names(assessor, unit, client):
    trainee = make_trainee(name="Zoe\u0301 Chen")  # stored NFC: Zoé Chen
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    assert certificate.holder_name == "Zoé Chen"
    assert _lookup(client, number=certificate.number, name="Zoe\u0301 Chen").status_code == 200
    assert _lookup(client, number=certificate.number, name="Zoe Chen").status_code == 404
    assert _lookup(client, number=certificate.number, name="zoé chen").status_code == 404


def test_the_form_asks_for_the_name_and_explains_the_qr_code():
    html = Client().get(reverse("verify:index")).content.decode()  # zh-Hant by default
    assert 'name="number"' in html and 'name="name"' in html
    assert "持有人姓名" in html and "QR" in html
    english = Client().get("/en" + reverse("verify:index")).content.decode()
    assert "exactly as printed" in english


def test_number_and_name_lookups_stay_rate_limited(settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.77")
    for name in ("王一", "王二"):
        assert _lookup(client, number=certificate.number, name=name).status_code == 404
    response = _lookup(client, number=certificate.number, name=certificate.holder_name)
    assert response.status_code == 429


def test_qr_code_url_still_verifies_without_number_or_name(client, certificate):
    response = client.get(reverse("verify:certificate", args=[certificate.verification_code]))
    assert response.status_code == 200
    assert 'data-state="valid"' in response.content.decode()


# --- the public credential carries nothing derived from the name ---------------------------


def _claims(client, certificate) -> dict:
    response = client.get(reverse("verify:credential", args=[certificate.verification_code]))
    assert response.status_code == 200
    token = response.content.decode()
    return badges.credential_verify(token, client.get(reverse("verify:keys")).json())


def _name_derivatives(name: str, salts: list[str]) -> set[str]:
    values = {name, unicodedata.normalize("NFD", name), "林*美"}
    for salt in ["", *salts]:
        for text in (name + salt, salt + name):
            raw = text.encode("utf-8")
            values |= {hashlib.sha256(raw).hexdigest(), hashlib.md5(raw).hexdigest()}
    return values


def test_public_credential_contains_no_name_derived_value(client, certificate):
    claims = _claims(client, certificate)
    subject = claims["vc"]["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert claims["sub"] == subject["id"]
    assert "identifier" not in subject
    text = json.dumps(claims, ensure_ascii=False)
    for forbidden in ("identityHash", "salt", "hashed", "IdentityObject"):
        assert forbidden not in text
    salts = [certificate.verification_code[:16], certificate.verification_code]
    for value in _name_derivatives(certificate.holder_name, salts):
        assert value not in text
    status = client.get(reverse("verify:status", args=[certificate.verification_code]))
    for value in _name_derivatives(certificate.holder_name, salts):
        assert value not in status.content.decode()


def test_subject_id_is_per_certificate_and_independent_of_the_name(
    client, certificate, trainee, assessor
):
    first = _claims(client, certificate)["sub"]
    assert _claims(client, certificate)["sub"] == first  # stable across downloads
    # another certificate of the same holder gets another identifier
    second_unit = make_unit(code="KPS5R0822v1")
    other = services.certificate_issue(
        decision=make_decision(trainee=trainee, assessor=assessor, unit=second_unit),
        issued_by=assessor,
    )
    assert other.holder_name == certificate.holder_name
    assert _claims(client, other)["sub"] != first
    # changing the name changes nothing: the identifier is not a function of it
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王大明")
    certificate.refresh_from_db()
    assert _claims(client, certificate)["sub"] == first


# --- revoked and superseded credentials say what they are ----------------------------------


@pytest.mark.parametrize("role", ("anonymous", "trainee", "assessor", "admin"))
def test_revoked_credential_is_not_signed_again_and_verifier_sees_revoked(
    client_as, certificate, admin_user, role
):
    client, _ = client_as(role)
    old_token = client.get(
        reverse("verify:credential", args=[certificate.verification_code])
    ).content.decode()
    services.certificate_revoke(certificate=certificate, by=admin_user, reason="舞弊")

    # the public download refuses, says why and gives the status
    response = client.get(reverse("verify:credential", args=[certificate.verification_code]))
    assert response.status_code == 410
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "revoked" and body["revoked"] is True
    assert "撤銷" in body["error"]  # translated (zh-Hant by default)
    english = client.get("/en" + reverse("verify:credential", args=[certificate.verification_code]))
    assert english.status_code == 410 and "revoked" in english.json()["error"]

    # a verifier holding the earlier JWT: the signature checks, the status says revoked
    claims = badges.credential_verify(old_token, client.get(reverse("verify:keys")).json())
    status_url = claims["vc"]["credentialStatus"]["id"]
    status = client.get(urlsplit(status_url).path).json()
    assert status["revoked"] is True and status["status"] == "revoked"

    # the verify page no longer offers a signed credential
    html = client.get(
        reverse("verify:certificate", args=[certificate.verification_code])
    ).content.decode()
    assert 'data-testid="credential-withdrawn"' in html
    assert reverse("verify:credential", args=[certificate.verification_code]) not in html


def test_superseded_credential_is_not_signed_again_and_points_to_the_replacement(
    client, certificate, admin_user
):
    new = services.certificate_reissue(certificate=certificate, by=admin_user, reason="姓名更正")
    response = client.get(reverse("verify:credential", args=[certificate.verification_code]))
    assert response.status_code == 410
    body = response.json()
    assert body["status"] == "superseded" and body["revoked"] is True
    assert body["replacedBy"].endswith(reverse("verify:certificate", args=[new.verification_code]))
    status = client.get(reverse("verify:status", args=[certificate.verification_code])).json()
    assert status["status"] == "superseded" and status["revoked"] is True
    # the replacement is valid and signed
    assert _claims(client, new)["vc"]["credentialStatus"]["id"].endswith(
        reverse("verify:status", args=[new.verification_code])
    )


@pytest.mark.parametrize("role", ("trainee", "assessor", "admin"))
def test_signed_in_download_of_a_revoked_credential_is_refused_and_not_offered(
    client_as, certificate, admin_user, role
):
    client, _ = client_as(role)
    detail = reverse("assessments:certificate_detail", args=[certificate.pk])
    download = reverse("assessments:certificate_credential", args=[certificate.pk])
    assert 'data-testid="download-credential"' in client.get(detail).content.decode()
    services.certificate_revoke(certificate=certificate, by=admin_user, reason="舞弊")
    assert 'data-testid="download-credential"' not in client.get(detail).content.decode()
    response = client.get(download)
    assert response.status_code == 410 and response.json()["status"] == "revoked"


def test_expired_certificate_is_still_signed_with_its_expiry(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=datetime.date(2020, 1, 1))
    certificate.refresh_from_db()
    response = client.get(reverse("verify:credential", args=[certificate.verification_code]))
    assert response.status_code == 200
    token = response.content.decode()
    key_set = client.get(reverse("verify:keys")).json()
    from joserfc import jwt
    from joserfc.jwk import KeySet

    claims = jwt.decode(token, KeySet.import_key_set(key_set)).claims
    assert claims["exp"] < datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC).timestamp()


# --- the audit trail -----------------------------------------------------------------------


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_issue_revoke_reissue_are_audited_through_http(
    client_as, trainee, assessor, admin_user, unit
):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    assessor_client, _ = client_as("assessor")
    response = assessor_client.post(reverse("assessments:certificate_issue", args=[decision.pk]))
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    [issued] = _entries("certificate.issued")
    assert issued.actor == assessor and issued.trainee == trainee
    assert issued.object_type == "certificate" and issued.object_id == certificate.pk
    assert issued.data["number"] == certificate.number and issued.data["via"] == "manual"
    assert issued.at is not None

    # refused attempts write nothing
    trainee_client, _ = client_as("trainee")
    for url, data in (
        (reverse("assessments:certificate_revoke", args=[certificate.pk]), {"reason": "x"}),
        (reverse("assessments:certificate_reissue", args=[certificate.pk]), {"reason": "x"}),
    ):
        assert trainee_client.post(url, data).status_code == 403
        assert assessor_client.post(url, data).status_code == 403
    assert AuditEntry.objects.filter(action__startswith="certificate.").count() == 1

    admin_client, _ = client_as("admin")
    admin_client.post(
        reverse("assessments:certificate_reissue", args=[certificate.pk]), {"reason": "姓名更正"}
    )
    new = Certificate.objects.get(replaces=certificate)
    [reissued] = _entries("certificate.reissued")
    assert reissued.actor == admin_user and reissued.object_id == certificate.pk
    assert reissued.data["reason"] == "姓名更正" and reissued.data["replaced_by"] == new.number
    assert "姓名更正" in reissued.summary
    new_issue = _entries("certificate.issued")[-1]
    assert new_issue.object_id == new.pk and new_issue.data["replaces"] == certificate.number
    assert new_issue.data["via"] == "reissue" and new_issue.actor == admin_user

    admin_client.post(
        reverse("assessments:certificate_revoke", args=[new.pk]),
        {"reason": "舞弊", "show_reason_publicly": "on"},
    )
    [revoked] = _entries("certificate.revoked")
    assert revoked.actor == admin_user and revoked.object_id == new.pk
    assert revoked.trainee == trainee
    assert revoked.data["reason"] == "舞弊" and revoked.data["public"] is True
    assert revoked.data["status"] == "revoked"

    # the audit log page lists them
    page = admin_client.get(reverse("assessments:audit")).content.decode()
    assert "certificate.revoked" in page or certificate.number in page


def test_revocation_by_a_corrected_decision_is_audited(trainee, assessor, unit):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    correction = make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=unit,
        outcome="not_yet_competent",
        corrects=decision,
    )
    assert services.certificates_on_decision_corrected(decision=correction) == 1
    [revoked] = _entries("certificate.revoked")
    assert revoked.object_id == certificate.pk and revoked.actor == assessor
    assert revoked.data["correcting_decision"] == correction.pk
    assert revoked.data["public"] is False


def test_bulk_jobs_are_audited(
    client_as, trainee, assessor, admin_user, unit, django_capture_on_commit_callbacks
):
    cohort = Cohort.objects.create(code="2026-q4", name="2026 第四季")
    trainee.profile.cohorts.add(cohort)
    decisions = [make_decision(trainee=trainee, assessor=assessor, unit=unit)]
    other = make_trainee(name="同梯")
    other.profile.cohorts.add(cohort)
    decisions.append(make_decision(trainee=other, assessor=assessor, unit=unit))
    client, _ = client_as("admin")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:certificate_bulk"),
            {"cohort": cohort.pk, "unit": unit.pk, "decisions": [d.pk for d in decisions]},
        )
    job = BulkIssueJob.objects.get()
    [created] = _entries("certificate_bulk_job.created")
    assert created.actor == admin_user and created.object_type == "bulkissuejob"
    assert created.object_id == job.pk
    assert sorted(created.data["decisions"]) == sorted(d.pk for d in decisions)
    issued = _entries("certificate.issued")
    assert len(issued) == 2 and {e.data["via"] for e in issued} == {"bulk"}
    assert {e.actor for e in issued} == {admin_user}
    [finished] = _entries("certificate_bulk_job.finished")
    assert finished.data["issued"] == 2 and finished.data["job"] == job.pk

    # running the finished job again writes nothing more
    certificate_bulk.bulk_issue_job_run(job_id=job.pk)
    assert len(_entries("certificate_bulk_job.finished")) == 1
    assert len(_entries("certificate.issued")) == 2

    # a retry is audited too
    BulkIssueItem.objects.filter(job=job).update(status=BulkIssueItem.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("assessments:certificate_bulk_retry", args=[job.pk]))
    [retried] = _entries("certificate_bulk_job.retried")
    assert retried.actor == admin_user and retried.data["items"] == 2
