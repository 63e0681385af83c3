"""An observation draft on a phone whose connection misbehaves, and one changed on two devices.

- A save that reached the server but whose answer was lost: the phone sends it again, the
  server says the draft is already that far on (409 with the same content) and the page
  carries on without asking, saying it is saved and synced. The next change saves normally.
- The same, when the assessor kept typing while the lost save was on its way: the server's
  copy is this phone's own earlier save, so the newer change is saved on top, unasked.
- A draft saved from another device meanwhile: the page lists both versions and keeps the
  one the assessor chooses; nothing is overwritten before that.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation

from assessments.models.evidence import ObservationDraft
from assessments.services.evidence import observation_draft_start
from assessments.services.observation_drafts import observation_draft_save
from content.models.observation import ObservationItem
from tests.e2e.conftest import login
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sync_page(browser):
    """A 360 px phone without the offline worker: this test intercepts the page's own saves,
    and requests a service worker handles are out of the browser's routing."""
    context = browser.new_context(
        locale="zh-TW",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    for open_page in context.pages:
        open_page.goto("about:blank")
    context.close()


def _open_draft(page, live_server, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    item = ObservationItem.objects.get(indicator=ws.indicators[0], text="主動說明點數方案")
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )
    login(page, live_server, assessor)
    with translation.override("zh-hant"):
        page.goto(live_server.url + reverse("assessments:observation", args=[draft.pk]))
    return draft, f"o{item.pk}"


def _serious(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def test_a_save_whose_answer_was_lost_is_not_a_conflict(sync_page, live_server, assessor, trainee):
    page = sync_page
    draft, item = _open_draft(page, live_server, assessor, trainee)
    answers = []
    page.on("response", lambda r: answers.append(r.status) if "/autosave/" in r.url else None)

    def lose_first_answer(route):
        if not getattr(lose_first_answer, "done", False):
            lose_first_answer.done = True
            route.fetch()  # the server receives and saves it...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    page.route("**/autosave/", lose_first_answer)
    page.locator(f"label[for=r_{item}_satisfactory]").click()
    # The phone could not confirm the save: it says so and keeps the change.
    page.locator("#connection-status[data-state=offline]").wait_for()
    # The retry finds the server already has it: saved, synced, nothing to choose.
    page.locator("#connection-status[data-state=synced]").wait_for(timeout=15_000)
    page.locator("#autosave-status[data-state=saved]").wait_for()
    assert page.get_by_test_id("draft-conflict").is_hidden()
    assert 409 in answers
    draft.refresh_from_db()
    assert draft.revision == 1 and draft.data[f"r_{item}"] == "satisfactory"

    # It carries on from the server's revision: the next change saves without a conflict.
    page.fill("#id_place", "台北信義店")
    page.locator("#autosave-status[data-state=pending]").wait_for()
    page.locator("#autosave-status[data-state=saved]").wait_for()
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.data["place"] == "台北信義店"
    assert page.get_by_test_id("draft-conflict").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []


def test_changes_made_while_a_lost_save_was_on_its_way_go_on_top(
    sync_page, live_server, assessor, trainee
):
    page = sync_page
    draft, item = _open_draft(page, live_server, assessor, trainee)
    held = []

    def hold_first(route):
        if held:
            route.continue_()
            return
        route.fetch()  # the server saves the tick...
        held.append(route)  # ...and the answer is held back

    page.route("**/autosave/", hold_first)
    page.locator(f"label[for=r_{item}_satisfactory]").click()
    while not held:
        page.wait_for_timeout(50)
    # The assessor keeps typing while that save is on its way; then its answer is lost.
    page.fill("#id_place", "台北信義店")
    held[0].abort("connectionreset")
    page.locator("#connection-status[data-state=synced]").wait_for(timeout=15_000)
    page.locator("#autosave-status[data-state=saved]").wait_for()
    # The server's copy was this phone's own earlier save: no versions to choose between.
    assert page.get_by_test_id("draft-conflict").is_hidden()
    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.data[f"r_{item}"] == "satisfactory" and draft.data["place"] == "台北信義店"


@pytest.mark.parametrize("choice", ["local", "server"])
def test_a_draft_changed_on_two_devices_keeps_the_chosen_version(
    sync_page, live_server, assessor, trainee, choice
):
    page = sync_page
    draft, item = _open_draft(page, live_server, assessor, trainee)
    # Another phone saves the draft after this page was opened.
    observation_draft_save(
        draft=draft,
        assessor=assessor,
        data={"place": "高雄左營店", f"r_{item}": "not_satisfactory"},
        base_revision=0,
    )
    page.fill("#id_place", "台北信義店")
    box = page.get_by_test_id("draft-conflict")
    box.wait_for()
    page.locator("#autosave-status[data-state=choose]").wait_for()
    assert "台北信義店" in box.locator("[data-side=local]").inner_text()
    server_side = box.locator("[data-side=server]").inner_text()
    assert "高雄左營店" in server_side
    # Nothing was overwritten while the assessor decides.
    assert ObservationDraft.objects.get(pk=draft.pk).data["place"] == "高雄左營店"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _serious(page) == []

    box.locator(f"[data-conflict-choice={choice}]").click()
    box.wait_for(state="hidden")
    page.locator("#autosave-status[data-state=saved]").wait_for()
    draft.refresh_from_db()
    if choice == "local":
        # This phone's version is saved on the revision the server had.
        assert draft.revision == 2 and draft.data["place"] == "台北信義店"
        assert page.input_value("#id_place") == "台北信義店"
    else:
        # The saved version is shown on the page and nothing more is sent.
        assert draft.revision == 1 and draft.data["place"] == "高雄左營店"
        assert page.input_value("#id_place") == "高雄左營店"
        assert page.locator(f"#r_{item}_not_satisfactory").is_checked()
    # Either way the next change saves on the current revision.
    page.fill("#id_summary", "結帳時說明點數")
    page.locator("#autosave-status[data-state=pending]").wait_for()
    page.locator("#autosave-status[data-state=saved]").wait_for()
    assert page.get_by_test_id("draft-conflict").is_hidden()
    assert ObservationDraft.objects.get(pk=draft.pk).data["summary"] == "結帳時說明點數"
