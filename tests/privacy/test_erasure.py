"""Issue 19: an administrator handles a request to erase: sees per kind of record what can
be erased now and what must be kept until when and why, confirms, and the service erases
or anonymises what it may. Refused to every other role, who are offered their own data."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Decision
from core.models import AuditEntry
from people import roles
from people.models import Notification
from privacy.models import RetentionRun
from privacy.periods import add_months
from tests.factories.people import make_user

from .records import full_records, notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language(settings):
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _urls(person):
    return (
        reverse("privacy_erasure:index") + "?q=" + person.username,
        reverse("privacy_erasure:detail", args=[person.pk]),
    )


@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor", "training_manager"])
def test_refused_to_every_other_role_and_offered_their_own_data(
    client, client_as, role, other_trainee
):
    if role == "training_manager":
        user = make_user(roles.TRAINING_MANAGER)
        client.force_login(user)
    else:
        client, user = client_as(role)
    notify(other_trainee)
    index, detail = _urls(other_trainee)
    for url in (index, detail):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "erasure-plan" not in response.content.decode()
    response = client.post(detail, {"confirm": "on"})
    assert response.status_code in (302, 403)
    assert Notification.objects.filter(user=other_trainee).exists()
    other_trainee.refresh_from_db()
    assert not other_trainee.username.startswith("anonymised-")
    # What they are offered instead: their own data, and the notice saying whom to ask.
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200 and reverse("privacy:my_data_download") in page.content.decode()
    assert "請洽您的講師或管理員" in client.get(reverse("privacy:notice")).content.decode()


def test_anonymous_is_sent_to_the_admin_login(client, trainee):
    response = client.get(_urls(trainee)[1])
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_finds_the_person(admin_client_, trainee):
    page = admin_client_.get(_urls(trainee)[0]).content.decode()
    assert reverse("privacy_erasure:detail", args=[trainee.pk]) in page
    page = admin_client_.get(reverse("privacy_erasure:index") + "?q=nobody-at-all").content
    assert "找不到符合的人" in page.decode()


def test_plan_shows_what_is_kept_until_when_and_why(admin_client_, trainee, assessor):
    records = full_records(trainee=trainee, assessor=assessor)
    page = admin_client_.get(_urls(trainee)[1]).content.decode()
    until = timezone.localtime(add_months(records["decision"].decided_at, 84)).date().isoformat()
    assert 'data-testid="erasure-plan"' in page
    assert f'data-testid="until-decisions">{until}' in page
    assert f'data-testid="until-account">{until}' in page
    assert "自決定日起至少保存 7 年" in page
    assert "證書登錄簿" in page


def test_confirmation_is_required(admin_client_, trainee):
    notify(trainee)
    response = admin_client_.post(_urls(trainee)[1], {})
    assert response.status_code == 400
    assert "請勾選以確認刪除" in response.content.decode()
    assert Notification.objects.filter(user=trainee).exists()
    assert not RetentionRun.objects.exists()


def test_erasure_keeps_what_must_be_kept(admin_client_, trainee, assessor, admin_user):
    records = full_records(trainee=trainee, assessor=assessor)
    response = admin_client_.post(_urls(trainee)[1], {"confirm": "on"})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=trainee).exists()
    assert Decision.objects.filter(pk=records["decision"].pk).exists()
    trainee.refresh_from_db()
    assert not trainee.username.startswith("anonymised-")  # held by the decision
    run = RetentionRun.objects.get(trigger="erasure")
    assert run.subject == trainee and run.counts["notifications"] == 1
    assert run.counts["account"] == 0
    entry = AuditEntry.objects.get(action="privacy.erasure")
    assert entry.trainee_id == trainee.pk and entry.actor_id == admin_user.pk


def test_erasure_anonymises_a_person_with_nothing_held(admin_client_, client, trainee):
    notify(trainee)
    admin_client_.post(_urls(trainee)[1], {"confirm": "on"})
    trainee.refresh_from_db()
    assert trainee.username == f"anonymised-{trainee.pk}"
    assert trainee.profile.full_name == f"已匿名 #{trainee.pk}"
    assert trainee.email == "" and not trainee.is_active
    page = admin_client_.get(_urls(trainee)[1]).content.decode()
    assert "此帳號已匿名化" in page and "目前沒有可刪除的資料" in page


def test_admin_cannot_erase_themselves(admin_client_, admin_user):
    response = admin_client_.post(_urls(admin_user)[1], {"confirm": "on"})
    assert response.status_code == 400
    admin_user.refresh_from_db()
    assert not admin_user.username.startswith("anonymised-")


def test_unknown_person_is_404(admin_client_):
    assert admin_client_.get(reverse("privacy_erasure:detail", args=[999999])).status_code == 404
