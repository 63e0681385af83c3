"""Certificate pages per role, downloads, public verification, Open Badges, rate limit."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from joserfc.errors import BadSignatureError

from assessments import badges
from assessments.models.certificates import BulkIssueJob, Certificate
from assessments.services import certificates as services
from people.models import Cohort
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


@pytest.fixture
def unit():
    return make_unit()


@pytest.fixture
def certificate(trainee, assessor, unit):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    return services.certificate_issue(decision=decision, issued_by=assessor)


def _status(client_as, role, method, url, data=None):
    client, _ = client_as(role)
    response = getattr(client, method)(url, data or {})
    return response


# --- role matrices ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 404),
        ("trainer", 404),
        ("assessor", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize(
    "name", ["certificate_detail", "certificate_download", "certificate_credential"]
)
def test_certificate_pages_per_role(client_as, certificate, role, expected, name):
    response = _status(
        client_as, role, "get", reverse(f"assessments:{name}", args=[certificate.pk])
    )
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]
    if expected == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
def test_list_per_role(client_as, certificate, role):
    response = _status(client_as, role, "get", reverse("assessments:certificate_list"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = certificate.number in response.content.decode()
    assert shown == (role in ("trainee", "assessor", "admin"))


def test_assigned_assessor_sees_cohort_certificates(client_as, certificate, trainee):
    from assessments.models.assignments import AssessorAssignment
    from tests.factories.people import make_assessor

    colleague = make_assessor()
    cohort = Cohort.objects.create(code="c-assign", name="指派梯次")
    trainee.profile.cohorts.add(cohort)
    client = Client()
    client.force_login(colleague)
    url = reverse("assessments:certificate_download", args=[certificate.pk])
    assert client.get(url).status_code == 404
    AssessorAssignment.objects.create(assessor=colleague, cohort=cohort)
    assert client.get(url).status_code == 200


def test_download_serves_the_stored_file(client_as, certificate, monkeypatch):
    import assessments.pdf

    def boom(*args, **kwargs):
        raise AssertionError("download must not re-render")

    monkeypatch.setattr(assessments.pdf, "render_pdf", boom)
    client, _ = client_as("trainee")
    response = client.get(reverse("assessments:certificate_download", args=[certificate.pk]))
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert certificate.number in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 302),
        ("admin", 302),
    ],
)
def test_issue_per_role(client_as, trainee, assessor, unit, role, expected):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    response = _status(
        client_as, role, "post", reverse("assessments:certificate_issue", args=[decision.pk])
    )
    assert response.status_code == expected
    issued = Certificate.objects.filter(decision=decision).exists()
    assert issued == (role in ("assessor", "admin"))
    if issued:
        certificate = Certificate.objects.get(decision=decision)
        assert response["Location"] == reverse(
            "assessments:certificate_detail", args=[certificate.pk]
        )


def test_issue_get_not_allowed_and_foreign_decision_404(client_as, trainee, unit):
    from tests.factories.people import make_assessor

    decision = make_decision(trainee=trainee, assessor=make_assessor(), unit=unit)
    client, _ = client_as("assessor")
    url = reverse("assessments:certificate_issue", args=[decision.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 302),
    ],
)
def test_revoke_and_reissue_per_role(client_as, certificate, role, expected):
    response = _status(
        client_as,
        role,
        "post",
        reverse("assessments:certificate_revoke", args=[certificate.pk]),
        {"reason": "資料有誤", "show_reason_publicly": "on"},
    )
    assert response.status_code == expected
    certificate.refresh_from_db()
    assert (certificate.status == "revoked") == (role == "admin")

    other = Certificate.objects.exclude(pk=certificate.pk).first()
    assert other is None
    response = _status(
        client_as,
        role,
        "post",
        reverse("assessments:certificate_reissue", args=[certificate.pk]),
        {"reason": "姓名更正"},
    )
    assert response.status_code == expected
    # An admin reissues the revoked certificate (same decision, still current and Competent).
    assert Certificate.objects.count() == (2 if role == "admin" else 1)


def test_reissue_by_admin_and_bad_input(client_as, certificate):
    client, _ = client_as("admin")
    url = reverse("assessments:certificate_reissue", args=[certificate.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert Certificate.objects.count() == 1
    assert response.status_code == 200
    response = client.post(url, {"reason": "姓名更正"})
    new = Certificate.objects.get(replaces=certificate)
    assert response["Location"] == reverse("assessments:certificate_detail", args=[new.pk])


@pytest.fixture
def cohort_with_decisions(trainee, assessor, unit):
    cohort = Cohort.objects.create(code="2026-q4", name="2026 第四季")
    trainee.profile.cohorts.add(cohort)
    decisions = [make_decision(trainee=trainee, assessor=assessor, unit=unit)]
    for i in range(2):
        other = make_trainee(name=f"同梯{i}")
        other.profile.cohorts.add(cohort)
        decisions.append(make_decision(trainee=other, assessor=assessor, unit=unit))
    return cohort, decisions


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 200),
    ],
)
def test_bulk_pages_per_role(client_as, cohort_with_decisions, unit, role, expected, admin_user):
    cohort, decisions = cohort_with_decisions
    job = BulkIssueJob.objects.create(created_by=admin_user, cohort=cohort, unit=unit)
    urls = [
        reverse("assessments:certificate_bulk") + f"?cohort={cohort.pk}&unit={unit.pk}",
        reverse("assessments:certificate_bulk_job", args=[job.pk]),
        reverse("assessments:certificate_bulk_progress", args=[job.pk]),
    ]
    for url in urls:
        assert _status(client_as, role, "get", url).status_code == expected, url
    response = _status(
        client_as, role, "post", reverse("assessments:certificate_bulk_retry", args=[job.pk])
    )
    assert response.status_code == (302 if role in ("anonymous", "admin") else 403)


def test_bulk_issue_flow(
    client_as, cohort_with_decisions, unit, django_capture_on_commit_callbacks
):
    cohort, decisions = cohort_with_decisions
    client, _ = client_as("admin")
    page = client.get(
        reverse("assessments:certificate_bulk"), {"cohort": cohort.pk, "unit": unit.pk}
    )
    assert page.content.decode().count('name="decisions"') == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:certificate_bulk"),
            {"cohort": cohort.pk, "unit": unit.pk, "decisions": [d.pk for d in decisions]},
        )
    job = BulkIssueJob.objects.get()
    assert response["Location"] == reverse("assessments:certificate_bulk_job", args=[job.pk])
    progress = client.get(reverse("assessments:certificate_bulk_progress", args=[job.pk])).json()
    assert progress["status"] == "done" and progress["issued"] == 3 and progress["percent"] == 100
    # posting the same selection again writes nothing and says why
    response = client.post(
        reverse("assessments:certificate_bulk"),
        {"cohort": cohort.pk, "unit": unit.pk, "decisions": [d.pk for d in decisions]},
    )
    assert response.status_code == 400
    assert BulkIssueJob.objects.count() == 1 and Certificate.objects.count() == 3
    # garbage ids: clear error, nothing written
    response = client.post(
        reverse("assessments:certificate_bulk"),
        {"cohort": cohort.pk, "unit": unit.pk, "decisions": ["x"]},
    )
    assert response.status_code == 400 and BulkIssueJob.objects.count() == 1


def test_list_query_count_does_not_grow(
    client_as, trainee, assessor, unit, django_assert_max_num_queries
):
    client, _ = client_as("admin")
    url = reverse("assessments:certificate_list")
    for size in (1, 5):
        while Certificate.objects.count() < size:
            decision = make_decision(trainee=make_trainee(), assessor=assessor, unit=unit)
            services.certificate_issue(decision=decision, issued_by=assessor)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


# --- admin: design setting and preview ------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "ok"),
    [
        ("anonymous", False),
        ("trainee", False),
        ("other_trainee", False),
        ("trainer", False),
        ("assessor", False),
        ("admin", True),
    ],
)
def test_admin_preview_and_design_setting_per_role(client_as, role, ok):
    client, _ = client_as(role)
    response = client.get(reverse("certificate_preview:preview"))
    assert (response.status_code == 200) == ok
    if ok:
        assert response.content.startswith(b"%PDF")
    response = client.get(
        reverse("wagtailsettings:edit", args=["assessments", "certificatedesign"]), follow=True
    )
    assert (response.status_code == 200 and b"organisation_name_zh" in response.content) == ok


def test_admin_edits_design_colour_validated(client_as):
    from assessments.models.certificates import CertificateDesign

    client, _ = client_as("admin")
    url = client.get(reverse("wagtailsettings:edit", args=["assessments", "certificatedesign"]))[
        "Location"
    ]
    data = {
        "organisation_name_zh": "忠誠學院",
        "organisation_name_en": "Academy",
        "primary_colour": "red;}body{display:none",
        "accent_colour": "#123456",
        "footer_text_zh": "",
        "footer_text_en": "",
        "reminder_days_before_expiry": "30",
        "signatures-TOTAL_FORMS": "0",
        "signatures-INITIAL_FORMS": "0",
        "signatures-MIN_NUM_FORMS": "0",
        "signatures-MAX_NUM_FORMS": "1000",
    }
    client.post(url, data)
    assert CertificateDesign.load().primary_colour == "#1f3a5f"
    data["primary_colour"] = "#aa0000"
    client.post(url, data)
    assert CertificateDesign.load().primary_colour == "#aa0000"


# --- public verification -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_verify_by_code_per_role(client_as, certificate, role):
    response = _status(
        client_as, role, "get", reverse("verify:certificate", args=[certificate.verification_code])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="valid"' in html
    result = html.split('data-testid="verify-result"')[1].split("</section>")[0]
    assert "林*美" in result and "林小美" not in result
    assert certificate.pdf_sha256 in html
    assert certificate.unit.code in html
    assert reverse("verify:credential", args=[certificate.verification_code]) in html


@pytest.mark.parametrize("role", ROLES)
def test_verify_by_number_per_role(client_as, certificate, role):
    response = _status(
        client_as,
        role,
        "get",
        reverse("verify:index"),
        {"number": certificate.number.lower(), "name": f" {certificate.holder_name} "},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.number in html and 'data-state="valid"' in html
    assert certificate.verification_code not in html  # the number does not reveal the code


@pytest.mark.parametrize("role", ROLES)
def test_verify_public_json_per_role(client_as, certificate, role):
    services.certificate_signing_key_create()
    client, _ = client_as(role)
    assert client.get(reverse("verify:keys")).json()["keys"][0]["kty"] == "RSA"
    assert client.get(reverse("verify:issuer")).json()["type"] == ["Profile"]
    assert (
        client.get(reverse("verify:status", args=[certificate.verification_code])).json()["status"]
        == "valid"
    )
    assert (
        client.get(reverse("verify:achievement", args=[certificate.unit.code])).status_code == 200
    )
    assert (
        client.get(reverse("verify:credential", args=[certificate.verification_code])).status_code
        == 200
    )


def test_verify_not_found_and_bad_input(client):
    response = client.get(reverse("verify:certificate", args=["A" * 32]))
    assert response.status_code == 404
    assert 'data-state="not_found"' in response.content.decode()
    response = client.get(reverse("verify:index"), {"number": "LA-2026-999999"})
    assert response.status_code == 404
    response = client.get(reverse("verify:index"), {"number": "<script>"})
    assert (
        response.status_code == 404
        and "<script>" not in response.content.decode().split("<main")[1]
    )
    assert client.get(reverse("verify:index")).status_code == 200


def test_verify_revoked_superseded_expired(client, certificate, admin_user):
    url = reverse("verify:certificate", args=[certificate.verification_code])
    new = services.certificate_reissue(certificate=certificate, by=admin_user, reason="姓名更正")
    html = client.get(url).content.decode()
    assert 'data-state="superseded"' in html
    assert reverse("verify:certificate", args=[new.verification_code]) in html
    services.certificate_revoke(
        certificate=new, by=admin_user, reason="舞弊", show_reason_publicly=False
    )
    html = client.get(reverse("verify:certificate", args=[new.verification_code])).content.decode()
    assert 'data-state="revoked"' in html and "舞弊" not in html
    Certificate.objects.filter(pk=new.pk).update(status_reason_public=True)
    html = client.get(reverse("verify:certificate", args=[new.verification_code])).content.decode()
    assert "舞弊" in html
    import datetime

    Certificate.objects.filter(pk=certificate.pk).update(
        status="issued", expires_on=datetime.date(2020, 1, 1)
    )
    assert 'data-state="expired"' in client.get(url).content.decode()


def test_verify_is_rate_limited(settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("verify:certificate", args=[certificate.verification_code])
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get("/en" + reverse("verify:index"), {"number": "LA-2026-000001"})
    assert response.status_code == 429
    assert "Too many certificate lookups" in response.content.decode()
    assert (
        client.get(reverse("verify:status", args=[certificate.verification_code])).status_code
        == 429
    )
    # another client is not affected
    assert Client(REMOTE_ADDR="198.51.100.7").get(url).status_code == 200


# --- Open Badges -------------------------------------------------------------------------


def test_credential_verifies_with_published_key_and_status_flips(client, certificate, admin_user):
    token = client.get(
        reverse("verify:credential", args=[certificate.verification_code])
    ).content.decode()
    key_set = client.get(reverse("verify:keys")).json()
    claims = badges.credential_verify(token, key_set)
    vc = claims["vc"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "ob/v3p0" in vc["@context"][1]
    assert (
        vc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"]
        == certificate.unit.code
    )
    assert vc["issuer"]["id"].endswith(reverse("verify:issuer"))
    status_url = vc["credentialStatus"]["id"]
    assert status_url.endswith(reverse("verify:status", args=[certificate.verification_code]))
    status_path = reverse("verify:status", args=[certificate.verification_code])
    assert client.get(status_path).json()["revoked"] is False

    services.certificate_revoke(
        certificate=certificate, by=admin_user, reason="舞弊", show_reason_publicly=True
    )
    status = client.get(status_path).json()
    assert status["revoked"] is True and status["status"] == "revoked"
    assert status["revocationReason"] == "舞弊"

    # a tampered token fails; after key rotation the old token still verifies
    header, payload, signature = token.split(".")
    tampered = ".".join(
        [header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature]
    )
    with pytest.raises((BadSignatureError, ValueError)):
        badges.credential_verify(tampered, key_set)
    services.certificate_signing_key_create(rotate=True)
    assert badges.credential_verify(token, client.get(reverse("verify:keys")).json())["vc"]


def test_trainee_downloads_credential(client_as, certificate):
    client, _ = client_as("trainee")
    response = client.get(reverse("assessments:certificate_credential", args=[certificate.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.count(b".") == 2  # compact JWS


def test_verify_query_count_is_constant(client, assessor, unit, django_assert_max_num_queries):
    for size in (1, 4):
        while Certificate.objects.count() < size:
            decision = make_decision(trainee=make_trainee(), assessor=assessor, unit=unit)
            services.certificate_issue(decision=decision, issued_by=assessor)
        certificate = Certificate.objects.last()
        with django_assert_max_num_queries(14):
            response = client.get(
                reverse("verify:certificate", args=[certificate.verification_code])
            )
        assert response.status_code == 200
