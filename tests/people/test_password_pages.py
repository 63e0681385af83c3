"""Each password page says what it does: its own heading, an intro of what happens next and a
button in words (the reset link's lifetime read from PASSWORD_RESET_TIMEOUT)."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


def url(name, language="zh-hant"):
    with translation.override(language):
        return reverse(name)


def heading_intro_button(html):
    main = html.split("<main", 1)[1]
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S).group(1).strip()
    intro = re.search(r'data-testid="form-intro">(.*?)</p>', main, re.S)
    button = re.search(r'data-testid="form-submit">(.*?)</button>', main, re.S)
    return heading, intro and intro.group(1).strip(), button and button.group(1).strip()


def test_reset_request_says_it_sends_a_link_and_for_how_long(client):
    heading, intro, button = heading_intro_button(client.get(url("password_reset")).text)
    assert heading == "重設密碼"
    assert button == "寄送重設密碼連結"
    assert "電子郵件" in intro and "72 小時內有效" in intro  # Django's default: 3 days


@override_settings(PASSWORD_RESET_TIMEOUT=3600)
def test_reset_request_follows_the_timeout_setting(client):
    _heading, intro, _button = heading_intro_button(client.get(url("password_reset")).text)
    assert "1 小時內有效" in intro
    _heading, intro, button = heading_intro_button(client.get(url("password_reset", "en")).text)
    assert intro.endswith("the link works for 1 hour.") and button == "Send the reset link"


def test_reset_done_and_new_password_pages_have_their_own_words(client, trainee):
    response = client.post(url("password_reset"), {"email": trainee.email}, follow=True)
    heading, _intro, _button = heading_intro_button(response.text)
    assert heading == "請查看您的電子郵件"
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    heading, intro, button = heading_intro_button(response.text)
    assert (heading, button) == ("設定新密碼", "設定新密碼")
    assert "輸入兩次新密碼" in intro
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"},
        follow=True,
    )
    heading, _intro, _button = heading_intro_button(response.text)
    assert heading == "新密碼已設定" and "現在可以登入" in response.text


def test_a_used_link_says_so_and_offers_a_new_one(client, trainee):
    client.post(url("password_reset"), {"email": trainee.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"})
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert (
        "這個連結已無法使用" in response.text and 'data-testid="form-submit"' not in response.text
    )
    assert f'href="{url("password_reset")}"' in response.text


@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor", "admin"])
def test_change_password_page_and_done_page(client_as, role):
    client, user = client_as(role)
    heading, intro, button = heading_intro_button(client.get(url("password_change")).text)
    assert (heading, button) == ("變更密碼", "更新密碼")
    assert "目前的密碼" in intro and "保持登入" in intro
    response = client.post(
        url("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Anoth3r-Secret!",
            "new_password2": "Anoth3r-Secret!",
        },
        follow=True,
    )
    heading, _intro, _button = heading_intro_button(response.text)
    assert heading == "密碼已更新" and "下次登入時請使用新密碼" in response.text
    assert response.status_code == 200  # the page's way on (home) works for every role
    assert client.get(url("home")).status_code == 200


def test_change_password_refuses_anonymous(client):
    response = client.get(url("password_change"))
    assert response.status_code == 302 and url("login") in response["Location"]
