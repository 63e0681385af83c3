"""Issue 17, the assessor's part, on a 360 px phone: open the trainee, resume an observation
draft, attach a photo carrying GPS EXIF (stored without it), lose the connection mid-way and
keep ticking, come back online and see it synced (checked on the server), submit after
confirming the lock; then ask the store manager for a third-party report and share its link
(copy, LINE, QR; the link opens the supervisor's form without a login), and issue the
certificate from the trainee page once the decision is Competent. axe finds no serious or
critical problem and nothing scrolls sideways on any of these pages."""

import io
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from assessments.models.attachments import EvidenceAttachment, ObservationAttachment
from assessments.models.certificates import Certificate
from assessments.models.evidence import EvidenceRecord, ThirdPartyRequest
from assessments.services.evidence import observation_draft_start
from content.models.observation import ObservationItem
from tests.e2e.conftest import login, navigate
from tests.factories.certificates import make_decision
from tests.factories.framework import make_observation
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []


def _gps_jpeg(path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "LoyaltyCam"
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (121.0, 33.0, 0.0)}
    Image.new("RGB", (320, 240), (30, 120, 60)).save(path, format="JPEG", exif=exif)


def test_assessor_phone_journey(phone_page, browser, live_server, assessor, trainee, tmp_path):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    second = make_observation(ws.indicators[1], text="清楚說明兌換限制")
    first = (
        f"o{ObservationItem.objects.get(indicator=ws.indicators[0], text='主動說明點數方案').pk}"
    )
    second = f"o{second.pk}"
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )
    with translation.override("zh-hant"):
        trainee_url = live_server.url + reverse("assessments:trainee", args=[trainee.pk])
    page = phone_page
    login(page, live_server, assessor)

    # The trainee: actions at the top, the open draft listed with its resume link.
    page.goto(trainee_url)
    page.get_by_test_id("open-drafts").wait_for()
    assert page.get_by_test_id("assessor-actions").bounding_box()["y"] < 740
    _fits(page)
    navigate(page, page.get_by_test_id("resume-draft").first)
    page.wait_for_url(f"**/assess/observations/{draft.pk}/")
    page.locator("html[data-offline-ready='1']").wait_for(timeout=20_000)
    _fits(page)

    # A photo with GPS EXIF, from the camera input of the first item.
    photo = tmp_path / "IMG_0001.jpg"
    _gps_jpeg(photo)
    page.locator(f"#item-{first} summary").click()
    page.set_input_files(f"#photo_{first}", str(photo))
    page.locator(f"#item-{first} .attach-status[data-state=attached]").wait_for()
    attachment = ObservationAttachment.objects.get()
    stored = storages["private"].open(attachment.file_name).read()
    assert not Image.open(io.BytesIO(stored)).getexif() and b"LoyaltyCam" not in stored

    page.fill("#id_occurred_on", timezone.localdate().isoformat())
    page.fill("#id_place", "台北信義店")
    page.select_option("#id_environment", "real")
    page.fill("#id_summary", "結帳時為客人說明點數")
    page.locator(f"label[for=r_{first}_satisfactory]").click()
    page.locator("#autosave-status[data-state=saved]").wait_for()

    # Offline mid-way: the page says so and keeps the ticks.
    page.context.set_offline(True)
    page.locator("#connection-status[data-state=offline]").wait_for()
    page.locator(f"label[for=r_{second}_not_satisfactory]").click()
    page.fill(f"#c_{second}", "未說明兌換限制")
    page.locator("#autosave-status[data-state=offline]").wait_for()
    draft.refresh_from_db()
    assert draft.data.get(f"r_{second}") != "not_satisfactory"
    # Reloading offline still shows the checklist (the service worker's copy) with the ticks.
    page.reload()
    page.locator(f"#r_{second}_not_satisfactory:checked").wait_for()
    assert page.input_value(f"#c_{second}") == "未說明兌換限制"

    # Back online: the queue is sent and the page says it has synced.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#connection-status[data-state=synced]").wait_for(timeout=20_000)
    page.locator("#autosave-status[data-state=saved]").wait_for()
    draft.refresh_from_db()
    assert draft.data.get(f"r_{second}") == "not_satisfactory"
    assert draft.data.get(f"c_{second}") == "未說明兌換限制"
    assert draft.data.get(f"r_{first}") == "satisfactory"
    _fits(page)

    # Submitting asks to confirm the lock first.
    page.get_by_test_id("submit-observation").click()
    page.locator("#confirm-lock-box.needs-confirmation").wait_for()
    assert not EvidenceRecord.objects.exists()
    page.locator("label[for=confirm_lock]").click()
    navigate(page, page.get_by_test_id("submit-observation"))
    page.wait_for_url("**/assess/evidence/*/**")
    record = EvidenceRecord.objects.get()
    assert record.lines.get(indicator_id=ws.indicators[1].pk).comment == "未說明兌換限制"
    carried = EvidenceAttachment.objects.get(evidence=record)
    assert carried.file_name == attachment.file_name
    _fits(page)

    # A third-party report: the store manager gets a one-off link the assessor shares from
    # the phone (copied, on LINE, or as a QR code shown on the screen).
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(trainee_url)
    more = page.get_by_test_id("more-actions")
    more.locator("summary").click()
    navigate(page, more.get_by_role("link", name="請求第三方報告"))
    page.fill("#id_supervisor_name", "王店長")
    page.fill("#id_supervisor_email", "store.manager@example.com")
    navigate(page, page.locator("main form button[type=submit]"))
    box = page.get_by_test_id("third-party-link-box")
    box.wait_for()
    link = page.input_value("[data-testid=third-party-link]")
    assert ThirdPartyRequest.objects.get().supervisor_name == "王店長"
    page.get_by_test_id("copy-link").click()
    page.locator("#third-party-link-status").filter(has_text="已複製").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    line = page.get_by_test_id("share-line").get_attribute("href")
    assert line.startswith("https://line.me/R/share?text=") and link in unquote(line)
    assert page.get_by_test_id("link-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    _fits(page)
    # The link works on the manager's own phone, without an account (it names the public
    # address from the settings; here the same path on the test server).
    manager = browser.new_context(locale="zh-TW", viewport={"width": 360, "height": 740})
    try:
        manager_page = manager.new_page()
        manager_page.goto(live_server.url + urlsplit(link).path)
        manager_page.get_by_test_id("third-party-form").wait_for()
        assert trainee.printed_name in manager_page.content()
    finally:
        manager.close()

    # The decision is Competent: the trainee page offers the certificate, and issues it.
    make_decision(trainee=trainee, assessor=assessor, unit=ws.unit, course=ws.course)
    page.goto(trainee_url)
    page.get_by_test_id("issue-certificate").scroll_into_view_if_needed()
    _fits(page)
    navigate(page, page.get_by_test_id("issue-certificate"))
    page.wait_for_url("**/assess/certificates/*/")
    certificate = Certificate.objects.get(decision__trainee=trainee)
    assert page.get_by_test_id("certificate-status").inner_text().startswith("已發證")
    assert certificate.number in page.content()
    with certificate.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    _fits(page)
