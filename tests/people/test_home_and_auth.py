import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_is_traditional_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hant"' in html
    assert "登入" in html


def test_home_page_in_english_under_prefix(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("anonymous", [], ["learning", "authoring", "assessing", "admin"]),
        ("trainee", ["learning"], ["authoring", "assessing", "admin"]),
        ("trainer", ["authoring"], ["learning", "assessing", "admin"]),
        ("assessor", ["assessing"], ["learning", "authoring", "admin"]),
        ("admin", ["admin", "authoring", "assessing"], ["learning"]),
    ],
)
def test_navigation_follows_role(client_as, role, visible, hidden):
    client, _user = client_as(role)
    html = client.get("/").content.decode()
    for item in visible:
        assert f'data-nav="{item}"' in html
    for item in hidden:
        assert f'data-nav="{item}"' not in html


def test_login_with_real_password(client, trainee):
    response = client.post(
        reverse("login"), {"username": trainee.username, "password": "Pass-word-123"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == trainee


def test_wrong_password_is_refused_with_message(client, trainee):
    response = client.post(reverse("login"), {"username": trainee.username, "password": "nope"})
    assert response.status_code == 200
    assert "輸入正確的" in response.content.decode()
