"""Issue 19: the learner downloads their own data as JSON; only their own rows; a fixed
number of queries whatever the amount of data."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from privacy.services import acknowledgement_record
from tests.factories.people import make_assessor

from .records import finished_attempt, full_records, notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language(settings):
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _download(client) -> dict:
    response = client.get(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content.decode("utf-8"))


def test_anonymous_is_sent_to_login(client):
    for name in ("privacy:my_data", "privacy:my_data_download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_page_explains_what_is_in_it(trainee_client):
    page = trainee_client.get(reverse("privacy:my_data")).content.decode()
    assert "JSON" in page and "只有您自己的紀錄" in page
    assert reverse("privacy:my_data_download") in page


def test_export_holds_every_kind_and_only_the_persons_own(
    trainee_client, trainee, other_trainee, assessor
):
    mine = full_records(trainee=trainee, assessor=assessor, certificate=True)
    theirs = full_records(trainee=other_trainee, assessor=assessor)
    notify(other_trainee, title="別人的通知")
    acknowledgement_record(user=trainee)
    data = _download(trainee_client)
    assert data["schema"] == "loyalty-academy/personal-data" and data["schema_version"] == 1
    assert data["account"]["username"] == trainee.username
    assert data["profile"]["full_name"] == trainee.profile.full_name
    assert [a["version"] for a in data["privacy_acknowledgements"]] == ["2026.1"]
    assert len(data["quiz_attempts"]) == 1 and data["quiz_attempts"][0]["answers"]
    assert data["quiz_attempts"][0]["score_percent"] is not None
    assert {d["id"] for d in data["decisions"]} == {mine["decision"].pk}
    ids = {e["id"] for e in data["evidence"] + data["observations"]}
    assert ids == {mine["evidence"].pk, mine["portfolio"].pk}
    assert theirs["evidence"].pk not in ids
    certificate = data["certificates"][0]
    assert certificate["number"] == mine["certificate"].number
    assert certificate["pdf_sha256"] == mine["certificate"].pdf_sha256
    assert certificate["verify_url"].endswith(mine["certificate"].verification_code + "/")
    titles = [n["title"] for n in data["notifications"]]
    assert "別人的通知" not in titles and titles
    # UTF-8, not \\u escapes
    raw = trainee_client.get(reverse("privacy:my_data_download")).content.decode("utf-8")
    assert trainee.profile.full_name in raw and "\\u" not in raw


def test_other_trainee_gets_nothing_of_trainee(other_trainee_client, trainee, assessor):
    full_records(trainee=trainee, assessor=assessor)
    data = _download(other_trainee_client)
    assert data["decisions"] == [] and data["evidence"] == [] and data["observations"] == []
    assert data["quiz_attempts"] == [] and data["notifications"] == []
    assert trainee.username not in json.dumps(data, ensure_ascii=False)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("privacy:my_data_download"))
    return len(captured)


def test_queries_do_not_grow_with_the_data(trainee_client, trainee):
    assessor = make_assessor()
    full_records(trainee=trainee, assessor=assessor)
    small = _queries(trainee_client)
    full_records(trainee=trainee, assessor=assessor)
    finished_attempt(trainee)
    for n in range(5):
        notify(trainee, title=f"通知 {n}")
    assert _queries(trainee_client) == small
