"""The question chooser a quiz page picks its fixed questions with, and the bank listing:
filters by text, indicator, type and difficulty, indicator codes as a column, several
questions chosen at once, and a fixed number of queries whatever the bank's size."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from content.models.framework import Indicator
from tests.factories.quizzes import make_module, make_question, make_quiz, make_unit

pytestmark = pytest.mark.django_db


def urls():
    with translation.override("zh-hant"):
        return {
            "choose": reverse("wagtailsnippetchoosers_content_question:choose"),
            "results": reverse("wagtailsnippetchoosers_content_question:choose_results"),
            "multiple": reverse("wagtailsnippetchoosers_content_question:chosen_multiple"),
            "list": reverse("wagtailsnippets_content_question:list"),
        }


@pytest.fixture
def bank():
    unit = make_unit()
    t11 = Indicator.objects.get(unit=unit, code="T1.1")
    t21 = Indicator.objects.get(unit=unit, code="T2.1")
    return {
        "unit": unit,
        "t11": t11,
        "t21": t21,
        "calc": make_question("numeric", code="nps-calc", indicators=[t11], difficulty="hard"),
        "types": make_question("single", code="program-types", indicators=[t21], difficulty="easy"),
        "both": make_question("true_false", code="tiers", indicators=[t11, t21]),
    }


def shown(html: str) -> set[str]:
    return {code for code in ("nps-calc", "program-types", "tiers") if code in html}


@pytest.mark.parametrize("role", ["anonymous", "trainee", "assessor"])
def test_chooser_refused_to_non_authors(client_as, bank, role):
    client, _user = client_as(role)
    response = client.get(urls()["choose"])
    assert response.status_code in (302, 403)


def test_chooser_filters_by_indicator_type_and_difficulty(client_as, bank):
    client, _user = client_as("trainer")
    results = urls()["results"]

    def codes(**params):
        response = client.get(results, params)
        assert response.status_code == 200
        return shown(response.content.decode())

    assert codes() == {"nps-calc", "program-types", "tiers"}
    assert codes(indicator=bank["t11"].pk) == {"nps-calc", "tiers"}
    assert codes(indicator=bank["t21"].pk, qtype="single") == {"program-types"}
    assert codes(qtype="numeric") == {"nps-calc"}
    assert codes(difficulty="easy") == {"program-types"}
    assert codes(q="program") == {"program-types"}
    # Nonsense filters are refused by the form, not a 500: the full list stays.
    assert codes(indicator="99999999999999999999999", qtype="bogus") == shown(
        "nps-calc program-types tiers"
    )


def test_chooser_shows_filters_and_indicator_codes(client_as, bank):
    client, _user = client_as("trainer")
    html = client.get(urls()["choose"]).content.decode()
    html = json.loads(html)["html"]
    assert 'name="indicator"' in html and 'name="qtype"' in html and 'name="difficulty"' in html
    assert "題型" in html and "難度" in html
    assert "T1.1, T2.1" in html  # the question mapped to both indicators


def test_several_questions_chosen_at_once(client_as, bank):
    client, _user = client_as("trainer")
    listing = client.get(urls()["choose"], {"multiple": "1"})
    body = json.loads(listing.content)["html"]
    assert 'type="checkbox"' in body
    chosen = client.get(
        urls()["multiple"],
        {"id": [bank["calc"].pk, bank["types"].pk, "99999999999999999999999"]},
    )
    assert chosen.status_code == 200
    result = json.loads(chosen.content)["result"]
    assert sorted(item["id"] for item in result) == sorted(
        [str(bank["calc"].pk), str(bank["types"].pk)]
    )


def test_quiz_editor_offers_the_multiple_chooser(client_as, bank):
    module = make_module(bank["unit"])
    quiz = make_quiz(module, [bank["calc"]])
    client, _user = client_as("trainer")
    with translation.override("zh-hant"):
        edit = reverse("wagtailadmin_pages:edit", args=[quiz.pk])
    html = client.get(edit).content.decode()
    assert "new MultipleChooserPanel" in html
    assert "id_fixed_questions-OPEN_MODAL" in html


def test_bank_listing_shows_indicator_codes_and_filters(client_as, bank):
    client, _user = client_as("trainer")
    html = client.get(urls()["list"], {"indicator": bank["t21"].pk}).content.decode()
    assert shown(html) == {"program-types", "tiers"}
    assert "T1.1, T2.1" in html
    assert "指標" in html


def _grow_bank(bank, total: int) -> None:
    from content.models.questions import Question

    existing = Question.objects.count()
    for n in range(existing, total):
        make_question("single", code=f"extra-{n:03d}", indicators=[bank["t11"], bank["t21"]])


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_listing_and_chooser_queries_do_not_grow(client_as, bank, django_assert_max_num_queries):
    client, _user = client_as("trainer")
    counts = {}
    for size in (10, 40):
        _grow_bank(bank, size)
        client.get(urls()["list"])  # warm caches (content types, permissions)
        with django_assert_max_num_queries(40):
            html = client.get(urls()["list"]).content.decode()
        assert html.count("T1.1, T2.1") >= size - 3
        counts[size] = (_queries(client, urls()["list"]), _queries(client, urls()["results"]))
    assert counts[10] == counts[40]
