"""Error pages through the real stack (DEBUG=False): 400, 403 (PermissionDenied and CSRF) and
404 in the site's layout in both languages; 500 without the database; and the headers around
them: the public CSP without a nonce, the preview panel allowed in the admin's frame, the
favicon, no Gravatar."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from config import error_views
from tests.factories.learning import course_index

ZH_404 = "找不到頁面"
EN_404 = "Page not found"


def _html(response) -> str:
    return response.content.decode()


def _directive(policy: str, name: str) -> str:
    found = [d.strip() for d in policy.split(";") if d.strip().startswith(name + " ")]
    assert len(found) == 1, policy
    return found[0]


def _in_layout(html: str) -> bool:
    return 'data-testid="role-nav"' in html and 'data-testid="language-switcher"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "heading", "home"),
    [
        ("/no-such-page/", "zh-Hant", ZH_404, 'href="/"'),
        ("/en/no-such-page/", "en", EN_404, 'href="/en/"'),
        ("/courses/missing/lesson/", "zh-Hant", ZH_404, 'href="/"'),
        ("/en/verify/no-such/deep/path/", "en", EN_404, 'href="/en/"'),
    ],
)
def test_404_in_layout_and_language(client, settings, path, lang, heading, home):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    html = _html(response)
    assert f'lang="{lang}"' in html
    assert heading in html and _in_layout(html)
    assert 'data-status="404"' in html and home in html and 'data-testid="error-home"' in html
    assert 'rel="icon"' in html


@pytest.mark.django_db
def test_404_offers_back_to_a_page_of_ours_only(client):
    html = _html(client.get("/en/gone/", HTTP_REFERER="http://testserver/en/verify/"))
    assert 'href="http://testserver/en/verify/"' in html and "Back to the previous page" in html
    html = _html(client.get("/en/gone/", HTTP_REFERER="https://evil.example/"))
    assert "evil.example" not in html and 'data-testid="error-back"' not in html


@pytest.mark.parametrize(
    ("prefix", "heading", "hint"),
    [
        ("", "您沒有權限開啟這個頁面", "請洽詢講師或管理員"),
        ("/en", "You do not have access to this page", "ask your trainer or an administrator"),
    ],
)
def test_permission_denied_in_our_views_is_the_styled_403(trainee_client, prefix, heading, hint):
    response = trainee_client.get(f"{prefix}/assess/")
    assert response.status_code == 403
    html = _html(response)
    assert heading in html and hint in html and _in_layout(html)
    assert 'data-nav="learning"' in html  # the signed-in trainee's own navigation
    assert 'data-testid="error-login"' not in html


@pytest.mark.django_db
@pytest.mark.urls("tests.config.urls_boom")
def test_403_shows_the_reason_and_offers_log_in_to_visitors(client):
    response = client.get("/denied/")
    assert response.status_code == 403
    html = _html(response)
    assert "只有指派的評量人員可以決定。" in html
    assert 'href="/accounts/login/?next=/denied/"' in html and "請使用有權限" in html


@pytest.mark.parametrize(
    ("prefix", "heading", "no_cookie", "expired"),
    [
        ("", "表單無法送出", "請允許本網站使用 Cookie", "表單就會失效"),
        ("/en", "The form could not be sent", "Allow cookies for this site", "a form expires"),
    ],
)
def test_csrf_failure_is_a_styled_403(trainee, prefix, heading, no_cookie, expired):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.post(f"{prefix}/accounts/logout/", {})  # no CSRF cookie yet
    assert response.status_code == 403
    html = _html(response)
    assert heading in html and no_cookie in html and _in_layout(html)
    client.get(f"{prefix}/learn/")  # the header's forms set the cookie
    assert "csrftoken" in client.cookies
    response = client.post(f"{prefix}/accounts/logout/", {"csrfmiddlewaretoken": "y" * 32})
    assert response.status_code == 403
    html = _html(response)
    assert heading in html and expired in html and _in_layout(html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "text"),
    [("", "zh-Hant", "無法處理這個請求"), ("/en", "en", "This request could not be understood")],
)
def test_400_in_layout_and_language(client, settings, prefix, lang, text):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = client.post(f"{prefix}/accounts/login/", {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400
    html = _html(response)
    assert f'lang="{lang}"' in html and text in html and _in_layout(html)


@pytest.mark.django_db
def test_400_for_a_bad_host_falls_back_to_the_self_contained_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = _html(response)
    assert "This request could not be understood" in html and 'data-status="400"' in html
    assert "evil.example" not in html


def test_500_view_renders_with_the_database_blocked(rf):
    """No `db` fixture: pytest-django refuses any query here."""
    request = rf.get("/learn/")
    with translation.override("zh-hant"):
        response = error_views.server_error(request)
    html = _html(response)
    assert response.status_code == 500
    assert 'lang="zh-Hant"' in html and "系統發生錯誤" in html
    assert 'href="/learn/"' in html and 'data-testid="error-retry"' in html  # try again
    assert 'data-testid="error-home"' in html and 'href="/"' in html
    with translation.override("en"):
        html = _html(error_views.server_error(rf.post("/en/learn/")))
    assert 'lang="en"' in html and "Something went wrong on our side" in html
    assert 'href="/en/"' in html and 'data-testid="error-retry"' not in html  # not for a POST


@pytest.mark.urls("tests.config.urls_boom")
def test_500_through_the_stack_when_the_database_is_down():
    """The view's query fails (the database is blocked) and so would any query the 500
    page made; the middleware on the way back must not need it either."""
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = _html(response)
    assert 'lang="zh-Hant"' in html and "系統發生錯誤" in html and "顧客忠誠度學院" in html
    assert "max-age=0" in response["Cache-Control"]
    html = _html(client.get("/en/boom/?x=1"))
    assert 'lang="en"' in html and "Something went wrong on our side" in html
    assert 'href="/en/boom/?x=1"' in html and 'href="/en/"' in html


@pytest.mark.django_db
def test_500_page_makes_no_query(django_assert_num_queries, rf):
    with django_assert_num_queries(0):
        response = error_views.server_error(rf.get("/boom/"))
    assert response.status_code == 500


@pytest.mark.django_db
def test_public_csp_has_no_nonce_and_admin_is_only_under_admin(client, trainer_client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "nonce" not in policy
    # django-csp writes the directives in set order, which changes with the hash seed.
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "nonce" not in client.get("/en/accounts/login/")["Content-Security-Policy"]
    assert trainer_client.get("/en/admin/").status_code == 404  # nothing routed there


@pytest.mark.django_db
def test_preview_panel_may_be_framed_by_the_admin_only(trainer_client, client):
    # Trainers edit (and preview) only under the course index, where their permissions are.
    home = course_index()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    data = nested_form_data(
        {
            "title": "預覽課程目錄",
            "slug": home.slug,
            "intro": rich_text("<p>預覽中的介紹</p>"),
            "comments": inline_formset([]),
        }
    )
    assert trainer_client.post(url, data).json()["is_valid"] is True
    response = trainer_client.get(url + "?in_preview_panel=true&mode=")
    assert response.status_code == 200 and "預覽中的介紹" in _html(response)
    policy = response["Content-Security-Policy"]
    assert _directive(policy, "frame-ancestors") == "frame-ancestors 'self'"
    assert "unsafe-inline" not in policy  # otherwise the public policy: what visitors get
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The public page itself still refuses every frame.
    public = client.get(home.url)
    assert (
        _directive(public["Content-Security-Policy"], "frame-ancestors") == "frame-ancestors 'none'"
    )
    assert public["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    for name in ("favicon.ico", "favicon.svg", "apple-touch-icon.png"):
        assert finders.find(name), name
    html = _html(client.get("/"))
    assert 'rel="icon" href="/static/favicon.svg"' in html


def test_gravatar_is_off(trainer_client):
    html = _html(trainer_client.get("/admin/"))
    assert "gravatar" not in html.lower()
    assert "default-user-avatar" in html
