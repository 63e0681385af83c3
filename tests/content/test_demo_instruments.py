"""The demo's assessment instruments (content/demo/instruments.py): a role-play script, a
portfolio task, a customer-feedback card and third-party report prompts for KPS5R0821v2,
published by the demo trainer, every criterion written and mapped to real indicators of the
unit; three validated by the second demo assessor 王淑芬, the feedback card left waiting.
Loading twice changes nothing, and after the whole demo the coverage report still has no
gaps while the matrix shows the criteria under role play and portfolio."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content.demo import instruments as demo
from content.demo import unit as demo_unit
from content.models.framework import CompetencyItem, Indicator
from content.models.instruments import (
    AssessmentInstrument,
    InstrumentCriterion,
    InstrumentKind,
    InstrumentValidation,
)
from content.selectors.instruments import NOT_VALIDATED, VALIDATED, validation_states
from core.models import AuditEntry
from demo import accounts
from people.models import User

pytestmark = pytest.mark.django_db

KINDS = {
    InstrumentKind.ROLE_PLAY: (6, 9),
    InstrumentKind.PORTFOLIO: (5, 7),
    InstrumentKind.CUSTOMER_FEEDBACK: (4, 6),
    InstrumentKind.THIRD_PARTY: (6, 8),
}


@pytest.fixture
def loaded(role_groups):
    """The demo accounts, the unit and the instruments (the rest of the demo is not needed)."""
    accounts.load()
    unit = demo_unit.seed_unit()
    demo.load()
    return unit


def _instruments(unit) -> dict[str, AssessmentInstrument]:
    found = list(AssessmentInstrument.objects.filter(unit=unit))
    assert len(found) == len(KINDS)
    return {i.kind: i for i in found}


def _codes(criterion) -> tuple[set[str], set[str]]:
    return (
        set(criterion.indicators.values_list("code", flat=True)),
        set(criterion.competency_items.values_list("code", flat=True)),
    )


def test_four_instruments_are_published_by_the_demo_trainer(loaded):
    instruments = _instruments(loaded)
    assert set(instruments) == set(KINDS)
    for kind, (low, high) in KINDS.items():
        instrument = instruments[kind]
        assert instrument.live and instrument.live_revision_id
        assert not instrument.has_unpublished_changes
        assert instrument.live_revision.user.username == "trainer"
        assert low <= instrument.criteria.count() <= high, kind
        assert instrument.title.strip() and instrument.instructions.strip()
    assert instruments[InstrumentKind.ROLE_PLAY].script.strip()  # the customer's part


def test_every_criterion_is_written_and_mapped_to_the_units_indicators(loaded):
    indicators = set(Indicator.objects.filter(unit=loaded).values_list("code", flat=True))
    items = set(
        CompetencyItem.objects.filter(unit=loaded).exclude(text="").values_list("code", flat=True)
    )
    criteria = InstrumentCriterion.objects.filter(instrument__unit=loaded)
    assert criteria.count() == sum(len(spec.criteria) for spec in demo.INSTRUMENTS)
    for criterion in criteria:
        assert criterion.text.strip() and criterion.guidance.strip(), criterion.pk
        mapped, mapped_items = _codes(criterion)
        assert mapped, f"{criterion.text} maps to no indicator"
        assert mapped <= indicators and mapped_items <= items, criterion.text
        assert criterion.indicators.exclude(unit=loaded).count() == 0


def test_each_instrument_covers_what_it_can_show(loaded):
    instruments = _instruments(loaded)

    def covered(kind) -> tuple[set[str], set[str]]:
        ind, it = set(), set()
        for criterion in instruments[kind].criteria.all():
            a, b = _codes(criterion)
            ind |= a
            it |= b
        return ind, it

    role_play, _ = covered(InstrumentKind.ROLE_PLAY)
    assert {"T2.1", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2", "T3.3"} <= role_play
    assert not any(code.startswith("T4") for code in role_play)  # one conversation cannot
    portfolio, portfolio_items = covered(InstrumentKind.PORTFOLIO)
    assert {"T4.1", "T4.2", "T4.3"} <= portfolio and "E5" in portfolio_items
    third_party, third_party_items = covered(InstrumentKind.THIRD_PARTY)
    assert {"T4.1", "T4.2", "T4.3"} <= third_party
    assert {"E4", "E5"} <= third_party_items


def test_three_are_validated_by_wang_shufen_and_the_feedback_card_waits(loaded):
    instruments = _instruments(loaded)
    states = validation_states(list(instruments.values()))
    feedback = instruments.pop(InstrumentKind.CUSTOMER_FEEDBACK)
    assert states[feedback.pk].state == NOT_VALIDATED
    assert not feedback.validations.exists()
    for instrument in instruments.values():
        state = states[instrument.pk]
        assert state.state == VALIDATED, instrument.kind
        assert state.current.validated_by.username == "assessor2"
        assert state.current.validated_by.profile.full_name == "王淑芬"
        assert state.current.notes.strip()
    # Validating went through the service, which writes the audit log.
    assert AuditEntry.objects.filter(action="instrument.validated").count() == 3


def test_loading_again_changes_nothing(loaded):
    counts = (
        AssessmentInstrument.objects.count(),
        InstrumentCriterion.objects.count(),
        InstrumentValidation.objects.count(),
    )
    revisions = {i.pk: i.live_revision_id for i in AssessmentInstrument.objects.all()}
    demo.load()
    assert counts == (
        AssessmentInstrument.objects.count(),
        InstrumentCriterion.objects.count(),
        InstrumentValidation.objects.count(),
    )
    assert revisions == {i.pk: i.live_revision_id for i in AssessmentInstrument.objects.all()}


def test_the_assessor_sees_the_feedback_card_waiting_for_validation(loaded):
    client = Client()
    client.force_login(User.objects.get(username="assessor"))
    html = client.get(reverse("assessments:instrument_list")).content.decode()
    states = dict(re.findall(r'data-instrument="(\d+)" data-state="(\w+)"', html))
    instruments = _instruments(loaded)
    feedback = instruments.pop(InstrumentKind.CUSTOMER_FEEDBACK)
    assert states[str(feedback.pk)] == NOT_VALIDATED
    assert all(states[str(i.pk)] == VALIDATED for i in instruments.values())
    assert "王淑芬" in html
    # The role-play script's page shows the customer's part and every criterion mapped.
    role_play = instruments[InstrumentKind.ROLE_PLAY]
    page = client.get(reverse("assessments:instrument_detail", args=[role_play.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="instrument-script"' in body and "劉太太" in body
    criteria = body[body.index('data-testid="instrument-criteria"') :]
    criteria = criteria[: criteria.index("</ol>")]
    assert "text-danger" not in criteria  # no criterion "mapped to no indicator"
    # Not its author, the first assessor is offered to validate the waiting card.
    page = client.get(reverse("assessments:instrument_detail", args=[feedback.pk]))
    assert 'data-testid="validation-form"' in page.content.decode()


def test_whole_demo_twice_keeps_coverage_complete_and_shows_the_criteria(role_groups):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert AssessmentInstrument.objects.count() == len(KINDS)
    assert InstrumentValidation.objects.count() == 3
    out = io.StringIO()
    try:
        call_command("coverage_report", "loyalty-programs", "--format", "json", stdout=out)
    except SystemExit as exit_:  # the command exits 1 when there are gaps
        pytest.fail(f"coverage_report exited {exit_.code}: {out.getvalue()[:500]}")
    report = json.loads(out.getvalue())
    assert report["gaps"] == []
    rows = {row["code"]: row["assessed"] for row in report["rows"]}
    titles = {spec.kind: spec.title for spec in demo.INSTRUMENTS}

    def shown(code: str, method: str, kind: str) -> bool:
        return any(label.startswith(titles[kind]) for label in rows[code][method])

    assert shown("T3.1", "role_play", InstrumentKind.ROLE_PLAY)
    assert shown("T4.2", "portfolio", InstrumentKind.PORTFOLIO)
    assert shown("T4.3", "portfolio", InstrumentKind.THIRD_PARTY)  # a report counts as portfolio
    # The feedback card is not validated yet: its criteria do not count.
    assert not any(
        shown(code, "customer_feedback", InstrumentKind.CUSTOMER_FEEDBACK) for code in rows
    )
