"""Browser journeys of the assessor workspace: an observation on a phone (with autosave and
a lost connection), a supervisor's third-party report through the one-off link, and a
decision refused with gaps then accepted."""

import pytest
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceRecord, ObservationDraft
from assessments.services.third_party import third_party_request_create
from content.models.observation import ObservationItem
from tests.e2e.conftest import login
from tests.factories.workspace import give_complete_evidence, workspace_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_assessor_records_observation_on_phone(phone_page, live_server, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    page = phone_page
    login(page, live_server, assessor)
    page.goto(f"{live_server.url}/assess/trainees/{trainee.pk}/")
    page.get_by_test_id("assessor-actions").locator("form button").first.click()
    # Where the observation takes place comes first; the checklist lists what is seen there.
    page.locator("label[for=context_till]").click()
    page.get_by_test_id("observation-context-form").locator("button").click()
    page.wait_for_url("**/assess/observations/*/")
    draft = ObservationDraft.objects.get()
    first = f"o{ObservationItem.objects.get(indicator=ws.indicators[0]).pk}"
    page.fill("#id_occurred_on", timezone.localdate().isoformat())
    page.fill("#id_place", "台北信義店")
    page.select_option("#id_environment", "real")
    page.fill("#id_summary", "為客人說明點數卡")
    page.locator(f"label[for=r_{first}_satisfactory]").click()
    page.locator("#autosave-status[data-state=saved]").wait_for()
    draft.refresh_from_db()
    assert draft.data.get(f"r_{first}") == "satisfactory"
    # Connection lost: the change is kept on the phone and synced when back online.
    page.context.set_offline(True)
    page.fill(f"#c_{first}", "主動說明")
    page.locator("#autosave-status[data-state=offline]").wait_for()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#autosave-status[data-state=saved]").wait_for()
    draft.refresh_from_db()
    assert draft.data.get(f"c_{first}") == "主動說明"
    # Nothing scrolls sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("label[for=confirm_lock]").click()  # submitting locks the record: confirm it
    page.get_by_test_id("submit-observation").click()
    page.wait_for_url("**/assess/evidence/*/**")
    record = EvidenceRecord.objects.get()
    assert record.context == "till"
    assert record.lines.get(indicator_id=ws.indicators[0].pk).comment == "主動說明"
    assert page.evaluate(f"localStorage.getItem('observation-draft-{draft.pk}')") is None
    page.goto(f"{live_server.url}/assess/observations/{draft.pk}/")
    assert f"/assess/evidence/{record.pk}/" in page.url  # locked


def test_supervisor_fills_third_party_report_without_login(page, live_server, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    _req, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
    )
    url = f"{live_server.url}/assess/report/{token}/"
    page.goto(url)
    form = page.get_by_test_id("third-party-form")
    for ind in ws.indicators:
        form.locator(f"label[for=r_{ind.pk}_satisfactory]").click()
    page.fill("#id_supervisor_role", "店長")
    page.fill("#id_summary", "每天一起值班")
    # Saved to finish later: the same link brings the answers back, nothing is evidence yet.
    page.get_by_test_id("save-draft").click()
    page.get_by_test_id("draft-saved").wait_for()
    assert not EvidenceRecord.objects.exists()
    page.goto(url)
    form = page.get_by_test_id("third-party-form")
    assert page.input_value("#id_supervisor_role") == "店長"
    assert page.input_value("#id_summary") == "每天一起值班"
    for ind in ws.indicators:
        assert form.locator(f"#r_{ind.pk}_satisfactory").is_checked()
    page.fill("#id_observed_from", timezone.localdate().isoformat())
    page.check("#id_declaration")
    form.get_by_role("button", name="送出報告").click()
    page.get_by_test_id("third-party-thanks").wait_for()
    record = EvidenceRecord.objects.get(kind="third_party")
    assert (
        record.third_party_name == "王店長"
        and record.lines.filter(result="satisfactory").count() == 4
    )
    page.goto(url)
    assert page.get_by_test_id("link-refused").is_visible()


def test_competent_refused_with_gaps_then_accepted(page, live_server, assessor, trainee):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    login(page, live_server, assessor)
    page.goto(f"{live_server.url}/assess/trainees/{trainee.pk}/decide/")
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=outcome][value=competent]").check()
    page.fill("#id_reasons", "表現穩定")
    form.locator("button[type=submit]").click()
    gaps = page.get_by_test_id("decision-gaps")
    assert "T1.1" in gaps.inner_text()
    assert not Decision.objects.exists()
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    page.goto(f"{live_server.url}/assess/trainees/{trainee.pk}/decide/")
    assert page.get_by_test_id("profile-complete").is_visible()
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=outcome][value=competent]").check()
    page.fill("#id_reasons", "表現穩定")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/assess/trainees/{trainee.pk}/")
    assert Decision.objects.get().outcome == "competent"
    assert page.get_by_test_id("decision-list").locator("[data-decision]").count() == 1
