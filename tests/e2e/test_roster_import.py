"""Roster import in the Wagtail admin, in a browser: a file with one bad row shows the error
in its cell and no confirm button; the fixed file previews, confirms, and the people exist.
At 1280 px and 360 px; axe finds no serious or critical problem on the preview."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from tests.e2e.conftest import login, navigate
from tests.factories.people import make_admin

HEADER = "username,printed name,employee number,store,cohort,e-mail,role\n"
BAD = HEADER + "chen,陳大文,E1,TPE-01,2026-spring,,trainee\nlin,林小美,E2,台中門市,,,chef\n"
GOOD = BAD.replace("chef", "評量人員")


def _serious(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _upload(page, tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("cp950"))
    page.set_input_files("input[name=file]", str(path))
    navigate(page, page.locator("form.roster-upload button[type=submit]").first)


@pytest.mark.parametrize("width", [1280, 360])
def test_roster_import_journey(page, live_server, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    admin = make_admin()
    login(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/people/roster-import/")
    _upload(page, tmp_path, BAD)
    assert page.locator(".roster-cell-error").count() == 1
    assert page.locator("#roster-confirm").count() == 0
    assert not get_user_model().objects.filter(username="chen").exists()
    _upload(page, tmp_path, GOOD)
    assert "Big5 (cp950)" in page.content()
    assert page.locator("#roster-new-stores").is_visible()
    assert _serious(page) == []
    if os.environ.get("ROSTER_SHOTS"):
        page.screenshot(path=f"{os.environ['ROSTER_SHOTS']}/preview-{width}.png", full_page=True)
    navigate(page, page.locator("#roster-confirm"))
    assert get_user_model().objects.filter(username__in=["chen", "lin"]).count() == 2
    assert get_user_model().objects.get(username="chen").get_full_name() == "陳大文"
