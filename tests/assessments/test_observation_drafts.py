"""Observation drafts through HTTP as the assessor: "new observation" resumes the open draft
of the same context, the trainee page lists open drafts (resume, discard with a confirm
step), submitting is refused until the lock is confirmed, and a save made on an older
revision is refused (409) with the server's version so the page can show both."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.evidence import EvidenceRecord, ObservationDraft
from content.models.observation import ObservationItem
from tests.factories.people import make_assessor
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee])


def _url(name, *args):
    with translation.override("zh-hant"):
        return reverse(name, args=args)


def _start(client, trainee, context="till"):
    return client.post(
        _url("assessments:observation_start", trainee.pk, "observation"), {"context": context}
    )


def test_new_observation_resumes_the_open_draft_of_that_context(ws, trainee, assessor_client):
    first = _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    assert first.url == _url("assessments:observation", draft.pk)
    again = _start(assessor_client, trainee)
    assert again.url == first.url and ObservationDraft.objects.count() == 1
    page = assessor_client.get(again.url).content.decode()
    assert "您已有這次觀察的未完成草稿" in page
    # Another context is another observation.
    _start(assessor_client, trainee, "service_desk")
    assert ObservationDraft.objects.count() == 2


def test_trainee_page_lists_open_drafts_only_to_their_assessor(
    ws, trainee, assessor, assessor_client, client
):
    _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    html = assessor_client.get(_url("assessments:trainee", trainee.pk)).content.decode()
    assert 'data-testid="open-drafts"' in html and f'data-draft="{draft.pk}"' in html
    assert _url("assessments:observation", draft.pk) in html and "繼續填寫" in html
    assert "捨棄…" in html
    other = make_assessor(name="另一位評估員")
    from assessments.services.workspace import assessor_assignment_create

    assessor_assignment_create(admin=None, assessor=other, cohort=ws.cohort)
    client.force_login(other)
    html = client.get(_url("assessments:trainee", trainee.pk)).content.decode()
    assert 'data-testid="open-drafts"' not in html
    # Nor can they discard it.
    assert (
        client.post(_url("assessments:observation_discard", draft.pk), {"confirm": "1"}).status_code
        == 404
    )
    assert ObservationDraft.objects.filter(pk=draft.pk).exists()


def test_discard_asks_first_then_deletes(ws, trainee, assessor_client):
    _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    ask = assessor_client.post(_url("assessments:observation_discard", draft.pk))
    assert ask.status_code == 200 and "捨棄的草稿無法復原" in ask.content.decode()
    assert ObservationDraft.objects.filter(pk=draft.pk).exists()
    done = assessor_client.post(_url("assessments:observation_discard", draft.pk), {"confirm": "1"})
    assert done.url == _url("assessments:trainee", trainee.pk)
    assert not ObservationDraft.objects.filter(pk=draft.pk).exists()
    assert "草稿已捨棄" in assessor_client.get(done.url).content.decode()


def _submit_data(ws):
    item = ObservationItem.objects.get(indicator=ws.indicators[0])
    return {
        "occurred_on": timezone.localdate().isoformat(),
        "place": "門市",
        "environment": "real",
        "summary": "結帳時說明",
        f"r_o{item.pk}": "satisfactory",
    }


def test_submit_is_refused_until_the_lock_is_confirmed(ws, trainee, assessor_client):
    _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    url = _url("assessments:observation", draft.pk)
    page = assessor_client.get(url).content.decode()
    assert "送出後將鎖定這次觀察" in page and 'name="confirm_lock"' in page
    refused = assessor_client.post(url, _submit_data(ws))
    assert refused.status_code == 200 and "請確認要鎖定這次觀察" in refused.content.decode()
    assert not EvidenceRecord.objects.exists()
    draft.refresh_from_db()
    assert not draft.locked
    done = assessor_client.post(url, _submit_data(ws) | {"confirm_lock": "1"})
    assert done.status_code == 302 and EvidenceRecord.objects.count() == 1
    draft.refresh_from_db()
    assert draft.locked
    # A submitted draft is no longer open, and "new observation" starts a fresh one.
    html = assessor_client.get(_url("assessments:trainee", trainee.pk)).content.decode()
    assert 'data-testid="open-drafts"' not in html
    _start(assessor_client, trainee)
    assert ObservationDraft.objects.count() == 2


def _save(client, draft, base, data):
    return client.post(
        _url("assessments:observation_autosave", draft.pk),
        json.dumps({"base": base, "data": data}),
        content_type="application/json",
    )


def test_a_save_on_an_older_revision_is_refused_with_the_saved_version(
    ws, trainee, assessor_client
):
    _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    ok = _save(assessor_client, draft, 0, {"place": "電話甲"})
    assert ok.status_code == 200 and ok.json()["revision"] == 1
    # A second phone still on revision 0: refused, nothing overwritten, both versions known.
    stale = _save(assessor_client, draft, 0, {"place": "電話乙"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and body["revision"] == 1 and body["data"] == {"place": "電話甲"}
    assert "另一部裝置或分頁" in body["error"]
    draft.refresh_from_db()
    assert draft.data == {"place": "電話甲"} and draft.revision == 1
    # Choosing "keep this device's version" saves on the server's revision.
    assert _save(assessor_client, draft, 1, {"place": "電話乙"}).json()["revision"] == 2
    draft.refresh_from_db()
    assert draft.data == {"place": "電話乙"}


@pytest.mark.parametrize("base", [str(2**64), "-1", "abc", None, [1]])
def test_a_bad_base_revision_is_400_and_writes_nothing(ws, trainee, assessor_client, base):
    _start(assessor_client, trainee)
    draft = ObservationDraft.objects.get()
    response = _save(assessor_client, draft, base, {"place": "x"})
    assert response.status_code == 400 and response.json()["error"] == "無法讀取草稿。"
    draft.refresh_from_db()
    assert draft.data == {} and draft.revision == 0
