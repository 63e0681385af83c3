"""Issue 19: the privacy notice, its acknowledgement before the first lesson, and the
profile's personal-data section. Through HTTP, per role."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from core.append_only import AppendOnlyError
from people import roles
from privacy.models import PrivacyAcknowledgement
from privacy.notice import NOTICE_VERSION
from privacy.services import acknowledgement_record
from tests.factories.people import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.PRIVACY_NOTICE_REQUIRED = True
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_notice_shows_every_part_in_plain_zh_hant(client):
    page = client.get(reverse("privacy:notice")).content.decode()
    for text in ("特定目的", "個人資料類別", "利用之期間、地區、對象及方式"):
        assert text in page
    for right in (
        "查詢或請求閱覽",
        "請求製給複製本",
        "請求補充或更正",
        "請求停止蒐集、處理或利用",
        "請求刪除",
    ):
        assert right in page
    assert "不提供" in page and NOTICE_VERSION in page
    english = client.get("/en/privacy/notice/").content.decode()
    assert "Specific purpose" in english and "to delete it." in english


@pytest.mark.parametrize("path", ["/learn/", "/en/learn/"])
def test_trainee_without_acknowledgement_is_sent_to_the_notice(trainee_client, path):
    response = trainee_client.get(path)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == ("/en" if path.startswith("/en/") else "") + "/privacy/notice/"
    assert parse_qs(location.query)["next"] == [path]


def test_switch_off_lets_the_trainee_through(trainee_client, settings):
    settings.PRIVACY_NOTICE_REQUIRED = False
    assert trainee_client.get("/learn/").status_code == 200


def test_posts_are_never_blocked(trainee_client):
    # A POST to a /learn/ URL reaches its view (here: 404/405/400 of the view, not the notice)
    response = trainee_client.post("/learn/lessons/999999/visit/")
    assert not response.get("Location", "").startswith(reverse("privacy:notice"))


@pytest.mark.parametrize("role", ["trainer", "assessor", "admin"])
def test_staff_are_never_blocked(client_as, role):
    client, _user = client_as(role)
    response = client.get("/learn/")
    assert not response.get("Location", "").startswith(reverse("privacy:notice"))


def test_training_manager_is_not_blocked(client):
    manager = make_user(roles.TRAINING_MANAGER)
    client.force_login(manager)
    response = client.get("/learn/")
    assert not response.get("Location", "").startswith(reverse("privacy:notice"))


def test_acknowledging_records_it_and_continues(trainee_client, trainee):
    url = reverse("privacy:notice") + "?next=/learn/"
    page = trainee_client.get(url)
    assert "首次上課前" in page.content.decode()
    response = trainee_client.post(url, {"read": "on", "next": "/learn/"})
    assert response.status_code == 302 and response["Location"] == "/learn/"
    ack = PrivacyAcknowledgement.objects.get(user=trainee)
    assert ack.version == NOTICE_VERSION
    assert trainee_client.get("/learn/").status_code == 200
    # Acknowledging again adds nothing
    trainee_client.post(url, {"read": "on"})
    assert PrivacyAcknowledgement.objects.filter(user=trainee).count() == 1


def test_unticked_box_is_a_clear_error_and_records_nothing(trainee_client, trainee):
    response = trainee_client.post(reverse("privacy:notice"), {"next": "/learn/"})
    assert response.status_code == 400
    assert "請勾選" in response.content.decode()
    assert not PrivacyAcknowledgement.objects.filter(user=trainee).exists()


def test_next_to_another_site_is_ignored(trainee_client):
    response = trainee_client.post(
        reverse("privacy:notice"), {"read": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("training:dashboard")


def test_anonymous_may_read_but_not_acknowledge(client):
    assert client.get(reverse("privacy:notice")).status_code == 200
    response = client.post(reverse("privacy:notice"), {"read": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PrivacyAcknowledgement.objects.exists()


def test_a_new_version_asks_again(trainee_client, trainee):
    acknowledgement_record(user=trainee, version="2025.1")
    assert trainee_client.get("/learn/").status_code == 302


def test_acknowledgements_are_append_only(trainee):
    ack = acknowledgement_record(user=trainee)
    with pytest.raises(AppendOnlyError):
        ack.save()
    with pytest.raises(AppendOnlyError):
        PrivacyAcknowledgement.objects.filter(pk=ack.pk).delete()


def test_profile_shows_notice_link_date_and_download(trainee_client, trainee):
    page = trainee_client.get(reverse("profile")).content.decode()
    assert "尚未確認" in page
    assert reverse("privacy:notice") in page and reverse("privacy:my_data") in page
    acknowledgement_record(user=trainee)
    page = trainee_client.get(reverse("profile")).content.decode()
    assert "尚未確認" not in page
    assert f"（版本 {NOTICE_VERSION}）" in page and "確認於" in page
