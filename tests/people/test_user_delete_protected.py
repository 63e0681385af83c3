"""Deleting a user that records refer to (on_delete=PROTECT) in Wagtail's user admin is a
clear, translated refusal naming what keeps the account, never a ProtectedError (500), and
nothing is deleted; users without such records are deleted as before (issue 11)."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.users.models import UserProfile

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceRecord
from people.models import Profile, User
from tests.factories.certificates import make_decision
from tests.factories.people import make_trainee
from tests.factories.workspace import record_observation, workspace_build

pytestmark = pytest.mark.django_db

REFUSAL_ZH = (
    "無法刪除使用者「林小美（{username}）」：有必須保留的紀錄指向此帳號："
    "稽核紀錄（1）、評量決定（1）、證據（1）。請改為停用帳號：在帳號的編輯頁面取消勾選「有效」。"
)
REFUSAL_EN = (
    "User “林小美 ({username})” cannot be deleted: records that must be kept refer to the "
    "account: Audit log (1), Decisions (1), Evidence (1). Deactivate the account instead: "
    "untick “Active” on its edit page."
)


@pytest.fixture
def kept(trainee, other_trainee, assessor):
    """A trainee with an observation (evidence and its audit entry) and a decision."""
    ws = workspace_build(assessor=assessor, trainees=[trainee, other_trainee])
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    make_decision(trainee=trainee, assessor=assessor, unit=ws.unit)
    return trainee


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _english(user) -> Client:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def _intact(user) -> None:
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert Profile.objects.filter(user=user).exists()
    assert Decision.objects.filter(trainee=user).count() == 1
    assert EvidenceRecord.objects.filter(trainee=user).count() == 1


def test_confirmation_page_already_refuses_and_says_why(admin_client_, kept):
    url = reverse("wagtailusers_users:delete", args=[kept.pk])
    response = admin_client_.get(url, follow=True)
    assert response.redirect_chain == [(reverse("wagtailusers_users:edit", args=[kept.pk]), 302)]
    assert response.status_code == 200
    assert _messages(response) == [REFUSAL_ZH.format(username=kept.username)]
    assert 'name="is_active"' in response.content.decode()  # where to deactivate instead
    _intact(kept)


def test_posting_the_delete_is_refused_and_nothing_is_deleted(admin_client_, kept):
    response = admin_client_.post(reverse("wagtailusers_users:delete", args=[kept.pk]), follow=True)
    assert response.status_code == 200
    assert REFUSAL_ZH.format(username=kept.username) in _messages(response)
    _intact(kept)


def test_refusal_in_english_for_an_english_admin(admin_user, kept):
    response = _english(admin_user).post(
        reverse("wagtailusers_users:delete", args=[kept.pk]), follow=True
    )
    assert REFUSAL_EN.format(username=kept.username) in _messages(response)
    _intact(kept)


def test_the_assessor_who_decided_is_kept_too(admin_client_, kept, assessor):
    response = admin_client_.post(
        reverse("wagtailusers_users:delete", args=[assessor.pk]), follow=True
    )
    (message,) = _messages(response)
    assert message.startswith(f"無法刪除使用者「陳評審（{assessor.username}）」")
    assert "評量決定（1）" in message
    assert User.objects.filter(pk=assessor.pk).exists()


def test_bulk_delete_refuses_the_whole_batch(admin_client_, kept):
    free = make_trainee(name="沒有紀錄")
    index = reverse("wagtailusers_users:index")
    url = (
        reverse("wagtail_bulk_action", args=("people", "user", "delete"))
        + f"?id={kept.pk}&id={free.pk}&next={index}"
    )
    assert admin_client_.get(url).status_code == 200  # Wagtail's confirmation page
    response = admin_client_.post(url, follow=True)
    assert response.redirect_chain == [(index, 302)]
    assert REFUSAL_ZH.format(username=kept.username) in _messages(response)
    _intact(kept)
    assert User.objects.filter(pk=free.pk).exists()  # nothing of the batch was deleted


def test_a_user_without_records_is_still_deleted(admin_client_):
    free = make_trainee(name="沒有紀錄")
    url = reverse("wagtailusers_users:delete", args=[free.pk])
    assert admin_client_.get(url).status_code == 200  # the normal confirmation page
    response = admin_client_.post(url)
    assert response.status_code == 302
    assert not User.objects.filter(pk=free.pk).exists()
    assert not Profile.objects.filter(user_id=free.pk).exists()
