"""Issuing, revoking, reissuing, auto-issue, bulk jobs, reminders and keys."""

import datetime
import hashlib
import re
import unicodedata

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction

from assessments.models.certificates import (
    BulkIssueItem,
    BulkIssueJob,
    Certificate,
    CertificateNumberReservation,
    CertificateSigningKey,
)
from assessments.models.decisions import Decision
from assessments.selectors.certificates import certificate_state, mask_name
from assessments.services import certificate_bulk
from assessments.services import certificates as services
from people.models import Cohort
from tests.factories.certificates import make_course, make_decision, make_unit
from tests.factories.people import make_assessor, make_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit()


@pytest.fixture
def decision(trainee, assessor, unit):
    return make_decision(trainee=trainee, assessor=assessor, unit=unit)


def test_issue_stores_pdf_with_hash_and_snapshot(decision, assessor):
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    assert re.fullmatch(r"LA-\d{4}-\d{6}", certificate.number)
    assert len(certificate.verification_code) >= 32  # 24 random bytes = 192 bits
    assert re.fullmatch(r"[A-Za-z0-9_-]+", certificate.verification_code)
    content = certificate.pdf.open("rb").read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
    assert certificate.holder_name == "林小美"
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.expires_on is None
    # private storage, never under MEDIA_ROOT
    assert "private" in certificate.pdf.path


def test_numbers_are_sequential_and_codes_unique(assessor, unit):
    certificates = []
    for _ in range(3):
        trainee = make_trainee()
        decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
        certificates.append(services.certificate_issue(decision=decision, issued_by=assessor))
    numbers = [int(c.number[-6:]) for c in certificates]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert len({c.verification_code for c in certificates}) == 3


def test_holder_name_is_stored_nfc(assessor, unit):
    trainee = make_trainee(name=unicodedata.normalize("NFD", "José 陳"))
    trainee.profile.full_name = unicodedata.normalize("NFD", "José 陳")
    trainee.profile.save()
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    assert certificate.holder_name == unicodedata.normalize("NFC", "José 陳")


def test_expiry_from_course(trainee, assessor, unit):
    course = make_course(unit, valid_months=24)
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit, course=course)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    issued = certificate.issued_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    assert certificate.expires_on.year == issued.year + 2
    assert (
        certificate_state(certificate, today=certificate.expires_on + datetime.timedelta(days=1))
        == "expired"
    )


def test_only_once_per_decision(decision, assessor):
    first = services.certificate_issue(decision=decision, issued_by=assessor)
    with pytest.raises(services.AlreadyIssued) as info:
        services.certificate_issue(decision=decision, issued_by=assessor)
    assert info.value.certificate == first
    assert Certificate.objects.count() == 1


def test_database_refuses_a_second_original(decision, assessor):
    first = services.certificate_issue(decision=decision, issued_by=assessor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            number="LA-2026-999999",
            verification_code="x" * 32,
            decision=decision,
            trainee=first.trainee,
            unit=first.unit,
            holder_name="x",
            assessor_name="y",
            issued_at=first.issued_at,
        )


def test_not_yet_competent_is_refused(trainee, assessor, unit):
    decision = make_decision(
        trainee=trainee, assessor=assessor, unit=unit, outcome=Decision.Outcome.NOT_YET_COMPETENT
    )
    with pytest.raises(services.CertificateError):
        services.certificate_issue(decision=decision, issued_by=assessor)
    assert not Certificate.objects.exists()


def test_corrected_decision_is_refused(decision, trainee, assessor, unit):
    make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=unit,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        corrects=decision,
    )
    with pytest.raises(services.CertificateError):
        services.certificate_issue(decision=decision, issued_by=assessor)


def test_only_deciding_assessor_or_admin_issues(decision, trainer, trainee, admin_user):
    other_assessor = make_assessor()
    for user in (other_assessor, trainer, trainee):
        with pytest.raises(PermissionDenied):
            services.certificate_issue(decision=decision, issued_by=user)
    assert not Certificate.objects.exists()
    assert (
        services.certificate_issue(decision=decision, issued_by=admin_user).issued_by == admin_user
    )


def test_revoke_keeps_record(decision, assessor, admin_user):
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, by=assessor, reason="x")
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=certificate, by=admin_user, reason="  ")
    services.certificate_revoke(
        certificate=certificate, by=admin_user, reason="評量紀錄有誤", show_reason_publicly=True
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.status_changed_by == admin_user
    assert certificate.status_reason == "評量紀錄有誤"
    assert certificate_state(certificate) == "revoked"
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=certificate, by=admin_user, reason="again")


def test_reissue_supersedes_with_new_number(decision, assessor, admin_user, trainee):
    old = services.certificate_issue(decision=decision, issued_by=assessor)
    trainee.profile.full_name = "林小美美"
    trainee.profile.save()
    new = services.certificate_reissue(certificate=old, by=admin_user, reason="姓名更正")
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert new.replaces == old and new.number != old.number
    assert new.holder_name == "林小美美"
    assert new.pdf_sha256 != old.pdf_sha256
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(certificate=old, by=admin_user, reason="again")


def test_auto_issue_only_when_course_says_so(
    trainee, assessor, unit, django_capture_on_commit_callbacks
):
    manual = make_decision(trainee=trainee, assessor=assessor, unit=unit, course=make_course(unit))
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue_on_decision(decision=manual)
    assert not Certificate.objects.exists()

    auto_course = make_course(unit, auto_issue=True)
    failed = make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=unit,
        course=auto_course,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue_on_decision(decision=failed)
    assert not Certificate.objects.exists()

    competent = make_decision(trainee=trainee, assessor=assessor, unit=unit, course=auto_course)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.certificate_issue_on_decision(decision=competent)
    assert len(callbacks) == 2  # the issue task, then the holder's notification e-mail
    certificate = Certificate.objects.get()
    assert certificate.decision == competent and certificate.issued_by is None
    # a second call (e.g. a replayed hook) issues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue_on_decision(decision=competent)
    assert Certificate.objects.count() == 1


@pytest.fixture
def cohort_decisions(assessor, unit):
    cohort = Cohort.objects.create(code="2026-q4", name="2026 第四季")
    decisions = []
    for i in range(4):
        trainee = make_trainee(name=f"學員{i}")
        trainee.profile.cohorts.add(cohort)
        decisions.append(make_decision(trainee=trainee, assessor=assessor, unit=unit))
    return cohort, decisions


def test_bulk_job_issues_each_once_even_when_run_twice(
    cohort_decisions, admin_user, unit, django_capture_on_commit_callbacks
):
    cohort, decisions = cohort_decisions
    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_bulk.bulk_issue_job_create(
            by=admin_user, cohort=cohort, unit=unit, decision_ids=[d.pk for d in decisions]
        )
    job.refresh_from_db()
    assert job.status == BulkIssueJob.Status.DONE
    assert certificate_bulk.bulk_issue_job_counts(job)["issued"] == 4
    # the same job started again: nothing new
    certificate_bulk.bulk_issue_job_run(job_id=job.pk)
    assert Certificate.objects.count() == 4
    # a second job over the same decisions is refused up front...
    with pytest.raises(services.CertificateError):
        certificate_bulk.bulk_issue_job_create(
            by=admin_user, cohort=cohort, unit=unit, decision_ids=[decisions[0].pk]
        )
    # ...and a stale job created before the first ran skips them
    stale = BulkIssueJob.objects.create(created_by=admin_user, cohort=cohort, unit=unit)
    BulkIssueItem.objects.bulk_create([BulkIssueItem(job=stale, decision=d) for d in decisions])
    certificate_bulk.bulk_issue_job_run(job_id=stale.pk)
    assert certificate_bulk.bulk_issue_job_counts(stale)["skipped"] == 4
    assert Certificate.objects.count() == 4


def test_bulk_job_refuses_foreign_decisions_and_non_admins(
    cohort_decisions, admin_user, assessor, unit
):
    cohort, decisions = cohort_decisions
    outsider = make_decision(trainee=make_trainee(), assessor=assessor, unit=unit)
    with pytest.raises(services.CertificateError):
        certificate_bulk.bulk_issue_job_create(
            by=admin_user, cohort=cohort, unit=unit, decision_ids=[decisions[0].pk, outsider.pk]
        )
    with pytest.raises(PermissionDenied):
        certificate_bulk.bulk_issue_job_create(
            by=assessor, cohort=cohort, unit=unit, decision_ids=[decisions[0].pk]
        )
    assert not BulkIssueJob.objects.exists()


def test_bulk_failures_are_listed_and_retryable(
    cohort_decisions, admin_user, unit, monkeypatch, django_capture_on_commit_callbacks
):
    cohort, decisions = cohort_decisions
    real = services._render
    broken = {decisions[1].pk}

    def flaky(certificate):
        if certificate.decision_id in broken:
            raise OSError("disk full")
        return real(certificate)

    monkeypatch.setattr(services, "_render", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        job = certificate_bulk.bulk_issue_job_create(
            by=admin_user, cohort=cohort, unit=unit, decision_ids=[d.pk for d in decisions]
        )
    counts = certificate_bulk.bulk_issue_job_counts(job)
    assert (counts["issued"], counts["failed"]) == (3, 1)
    failed = job.items.get(status=BulkIssueItem.Status.FAILED)
    assert "disk full" in failed.error
    assert not Certificate.objects.filter(decision=decisions[1]).exists()
    broken.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_bulk.bulk_issue_job_retry(job=job, by=admin_user) == 1
    assert certificate_bulk.bulk_issue_job_counts(job)["issued"] == 4
    assert Certificate.objects.count() == 4
    # The failed render kept its reserved number for the retry: the register has no gap.
    numbers = sorted(int(n[-6:]) for n in Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 4))
    retried = Certificate.objects.get(decision=decisions[1])
    assert CertificateNumberReservation.objects.get(decision=decisions[1]).number == retried.number


def test_expiry_reminder_sent_once(trainee, assessor, unit, django_capture_on_commit_callbacks):
    course = make_course(unit, valid_months=12)
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit, course=course)
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    assert (
        services.certificates_send_expiry_reminders(
            today=certificate.expires_on - datetime.timedelta(days=60)
        )
        == 0
    )
    day = certificate.expires_on - datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert services.certificates_send_expiry_reminders(today=day) == 1
        assert services.certificates_send_expiry_reminders(today=day) == 0
    assert len(mail.outbox) == 1
    assert certificate.number in mail.outbox[0].subject
    assert mail.outbox[0].to == [trainee.email]


def test_reminder_command_runs(trainee):
    call_command("certificates_send_expiry_reminders")


def test_key_command_creates_and_rotates():
    call_command("certificate_keys")
    call_command("certificate_keys")
    assert CertificateSigningKey.objects.count() == 1
    call_command("certificate_keys", "--rotate")
    assert CertificateSigningKey.objects.count() == 2
    assert CertificateSigningKey.objects.filter(retired_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("陳大文", "陳*文"),
        ("王明", "王*"),
        ("歐陽小美", "歐**美"),
        ("𠮷", "𠮷"),
        ("Alice Chen", "A***e C**n"),
        (unicodedata.normalize("NFD", "Éva"), unicodedata.normalize("NFD", "É*a")),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_demo_loader_is_idempotent(decision):
    from assessments.demo.certificates import load

    load()
    load()
    assert Certificate.objects.filter(decision=decision).count() == 1
    assert CertificateSigningKey.objects.count() == 1


def test_printed_verification_url_and_text(decision, assessor, settings, tmp_path):
    import subprocess

    from assessments.selectors.certificates import certificate_print_context

    settings.SITE_BASE_URL = "https://academy.example.test"
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    context = certificate_print_context(certificate)
    assert (
        context["verify_url"]
        == f"https://academy.example.test/verify/{certificate.verification_code}/"
    )
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate.pdf.open("rb").read())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert certificate.number in text and "林小美" in text and certificate.unit.code in text
    assert "陳評審" in text  # the assessor's printed name


def _wagtail_image(colour: str):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image
    from wagtail.models import Collection

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 100), colour).save(buffer, "PNG")
    return Image.objects.create(title=colour, file=ImageFile(buffer, name=f"{colour}.png"))


def test_design_logo_signature_and_colours_are_printed(decision, assessor, tmp_path):
    import subprocess

    from assessments.models.certificates import CertificateDesign, CertificateSignature

    design = CertificateDesign.load()
    design.logo = _wagtail_image("red")
    design.organisation_name_zh = "示範顧客學院"
    design.save()
    CertificateSignature.objects.create(
        design=design, assessor=assessor, image=_wagtail_image("blue")
    )
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate.pdf.open("rb").read())
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True
    ).stdout.decode()
    assert len(images.strip().splitlines()) - 2 == 2  # logo + signature (the QR code is vector)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "示範顧客學院" in text


def test_correction_revokes_certificates_of_the_corrected_decision(
    decision, assessor, trainee, unit
):
    certificate = services.certificate_issue(decision=decision, issued_by=assessor)
    unrelated = services.certificate_issue(
        decision=make_decision(trainee=make_trainee(), assessor=assessor, unit=unit),
        issued_by=assessor,
    )
    correction = make_decision(
        trainee=trainee,
        assessor=assessor,
        unit=unit,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
        corrects=decision,
    )
    assert services.certificates_on_decision_corrected(decision=correction) == 1
    certificate.refresh_from_db()
    unrelated.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED and not certificate.status_reason_public
    assert unrelated.status == Certificate.Status.ISSUED
    assert services.certificates_on_decision_corrected(decision=decision) == 0
