"""A new trainee on a 360 px phone (issue 19): the first visit to /learn/ opens the privacy
notice of 個資法; submitting without the tick says what is missing and keeps the trainee on
the notice; ticking it returns them to where they were going. The profile then shows the
acknowledgement and the download of their own data, which is JSON holding their records.
Every page: axe finds no serious or critical problem, nothing is wider than the phone, the
console stays clean."""

import json

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from privacy.models import PrivacyAcknowledgement
from tests.e2e.conftest import login, navigate
from tests.e2e.test_trainee_journey import Checks

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_visit_asks_for_the_notice_then_the_data_can_be_downloaded(
    phone_page, live_server, trainee, settings
):
    settings.PRIVACY_NOTICE_REQUIRED = True
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    checks = Checks(page)
    with translation.override("zh-hant"):
        dashboard_url = reverse("training:dashboard")
        profile_url = reverse("profile")
    login(page, live_server, trainee)

    page.goto(live_server.url + dashboard_url)
    expect(page.locator("h1")).to_contain_text("個人資料告知事項")
    assert "/privacy/notice/" in page.url
    checks.page_is_sound("notice")

    # Without the tick: a clear error, nothing recorded, still on the notice.
    form = page.get_by_test_id("acknowledge-form")
    navigate(page, form.locator("button[type=submit]"))
    expect(page.locator("#read-error")).to_contain_text("請勾選")
    assert not PrivacyAcknowledgement.objects.filter(user=trainee).exists()
    # The refused form is answered 400, as every refused form here; Chromium logs that once.
    assert len(checks.console) == 1 and "status of 400" in checks.console[0], checks.console
    checks.console.clear()
    checks.page_is_sound("notice with its error")

    form.locator("input[type=checkbox]").check()
    navigate(page, form.locator("button[type=submit]"))
    assert page.url.endswith(dashboard_url), page.url
    assert PrivacyAcknowledgement.objects.filter(user=trainee).count() == 1

    page.goto(live_server.url + profile_url)
    expect(page.get_by_test_id("privacy-ack")).to_contain_text("2026.1")
    checks.page_is_sound("profile")
    navigate(page, page.get_by_test_id("privacy-my-data-link"))
    checks.page_is_sound("my data")
    with page.expect_download() as download_info:
        page.get_by_test_id("my-data-download").click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    text = json.dumps(data, ensure_ascii=False)
    assert trainee.username in text and trainee.profile.full_name in text
