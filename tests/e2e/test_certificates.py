"""Browser journeys: an assessor issues, the trainee downloads; anyone verifies and the
drop-a-file check detects an altered PDF."""

import hashlib

import pytest
from playwright.sync_api import expect

from assessments.models.certificates import Certificate
from assessments.services.certificates import certificate_issue
from tests.e2e.conftest import login
from tests.factories.certificates import make_decision, make_unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_assessor_issues_and_trainee_downloads(
    browser, page, live_server, trainee, assessor, tmp_path
):
    make_decision(trainee=trainee, assessor=assessor, unit=make_unit())
    login(page, live_server, assessor)
    page.goto(f"{live_server.url}/assess/certificates/")
    awaiting = page.get_by_test_id("awaiting-certificates")
    assert trainee.profile.full_name in awaiting.inner_text()
    with page.expect_navigation():
        awaiting.get_by_role("button").first.click()
    certificate = Certificate.objects.get()
    assert certificate.number in page.content()

    trainee_context = browser.new_context(locale="zh-TW", accept_downloads=True)
    trainee_page = trainee_context.new_page()
    try:
        login(trainee_page, live_server, trainee)
        trainee_page.goto(f"{live_server.url}/assess/certificates/")
        with trainee_page.expect_download() as info:
            trainee_page.get_by_test_id("download-pdf").first.click()
        target = tmp_path / "mine.pdf"
        info.value.save_as(target)
        assert hashlib.sha256(target.read_bytes()).hexdigest() == certificate.pdf_sha256
    finally:
        trainee_context.close()


def test_verify_by_qr_url_and_number_and_detect_altered_file(
    page, live_server, trainee, assessor, tmp_path
):
    decision = make_decision(trainee=trainee, assessor=assessor, unit=make_unit())
    certificate = certificate_issue(decision=decision, issued_by=assessor)
    original = tmp_path / "certificate.pdf"
    original.write_bytes(certificate.pdf.open("rb").read())
    altered = tmp_path / "altered.pdf"
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped: looks the same, is not the issued file
    altered.write_bytes(bytes(data))

    # the URL printed in the QR code (same path, on the test server)
    page.goto(f"{live_server.url}/verify/{certificate.verification_code}/")
    assert page.get_by_test_id("verify-result").get_attribute("data-state") == "valid"
    assert page.get_by_test_id("verify-holder").inner_text() == "林*美"
    page.set_input_files("#verify-file", str(altered))
    result = page.get_by_test_id("file-check-result")
    expect(result).to_have_attribute("data-match", "no")
    assert "NOT" in result.inner_text() or "不" in result.inner_text()
    page.set_input_files("#verify-file", str(original))
    expect(result).to_have_attribute("data-match", "yes")
    assert page.locator("#verify-file-hash").inner_text() == certificate.pdf_sha256

    # by typing the number and the holder's name as printed
    page.goto(f"{live_server.url}/verify/")
    page.fill("#id_number", certificate.number)
    page.fill("#id_name", certificate.holder_name)
    with page.expect_navigation():
        page.get_by_test_id("verify-number-form").locator("button").click()
    assert page.get_by_test_id("verify-number").inner_text() == certificate.number
    assert page.get_by_test_id("verify-result").get_attribute("data-state") == "valid"
