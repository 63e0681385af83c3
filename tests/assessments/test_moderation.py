"""Moderation: a share of Competent decisions is confirmed by a second assessor before the
certificate issues. Through HTTP as each role."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from assessments.models.moderation import Moderation, ModerationPolicy
from assessments.selectors.moderation import moderation_sampled
from assessments.services.workspace import assessor_assignment_create
from core.models import AuditEntry
from people.models import Cohort
from tests.factories.people import make_assessor
from tests.factories.workspace import give_complete_evidence, workspace_build

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat


def _policy(share: int, first: int = 0) -> None:
    policy = ModerationPolicy.load()
    policy.share_percent = share
    policy.first_decisions_per_assessor = first
    policy.save()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _decide(client, trainee, outcome="competent", **extra):
    data = {"outcome": outcome, "assessed_on": TODAY(), "reasons": "證據充分，表現穩定"}
    if outcome == "not_yet_competent":
        data.update(feedback="請多練習", reassessment_on=TODAY())
    data.update(extra)
    response = client.post(reverse("assessments:decide", args=[trainee.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Decision.objects.filter(trainee=trainee).latest("pk")


@pytest.fixture
def second(role_groups):
    return make_assessor(name="林複評")


@pytest.fixture
def outsider(role_groups):
    assessor = make_assessor(name="外店評審")
    assessor_assignment_create(
        admin=None, assessor=assessor, cohort=Cohort.objects.create(code="far", name="他店")
    )
    return assessor


def _world(trainee, assessor, second, **rules):
    ws = workspace_build(assessor=assessor, trainees=[trainee], **rules)
    assessor_assignment_create(admin=None, assessor=second, cohort=ws.cohort)
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    return ws


@pytest.fixture
def ws(trainee, assessor, second):
    _policy(100)
    return _world(trainee, assessor, second)


def _moderate(client, decision, outcome, reasons=""):
    return client.post(
        reverse("assessments:moderation_detail", args=[decision.pk]),
        {"outcome": outcome, "reasons": reasons},
    )


def test_competent_waits_for_a_second_assessor_then_certificate_issues(
    ws, trainee, assessor, second
):
    deciding = _client(assessor)
    decision = _decide(deciding, trainee)
    assert decision.moderation_required

    # No certificate button, and a POST to issue is refused.
    issue_url = reverse("assessments:certificate_issue", args=[decision.pk])
    assert issue_url not in deciding.get(reverse("assessments:certificate_list")).content.decode()
    response = deciding.post(issue_url, follow=True)
    assert "等待第二位評量人員複核" in response.content.decode()
    assert not Certificate.objects.exists()
    page = deciding.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert "待複核" in page

    # The deciding assessor can neither see it in their queue nor moderate it.
    queue = deciding.get(reverse("assessments:moderation_queue")).content.decode()
    assert f'data-decision="{decision.pk}"' not in queue
    assert _moderate(deciding, decision, "confirmed").status_code == 403
    assert not Moderation.objects.exists()

    # A second assessor in scope sees it (with a count on the dashboard) and confirms.
    moderator = _client(second)
    dashboard = moderator.get(reverse("assessments:dashboard")).content.decode()
    assert 'data-testid="moderation-count">1<' in dashboard
    queue = moderator.get(reverse("assessments:moderation_queue")).content.decode()
    assert f'data-decision="{decision.pk}"' in queue
    detail = moderator.get(reverse("assessments:moderation_detail", args=[decision.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "證據充分，表現穩定" in html
    assert "profile-matrix" in html or "evidence-list" in html
    assert _moderate(moderator, decision, "confirmed").status_code == 302
    assert decision.moderations.get().moderator == second

    page = deciding.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert "林複評" in page and "確認" in page
    assert issue_url in deciding.get(reverse("assessments:certificate_list")).content.decode()
    deciding.post(issue_url)
    assert Certificate.objects.get().decision == decision
    assert (
        f'data-decision="{decision.pk}"'
        not in moderator.get(reverse("assessments:moderation_queue")).content.decode()
    )

    entry = AuditEntry.objects.get(action="decision.moderated")
    assert entry.trainee == trainee and entry.data["outcome"] == "confirmed"


def test_auto_issue_course_issues_on_confirmation(
    trainee, assessor, second, django_capture_on_commit_callbacks
):
    _policy(100)
    _world(trainee, assessor, second, auto_issue_certificate=True)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decide(_client(assessor), trainee)
    assert decision.moderation_required and not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _moderate(_client(second), decision, "confirmed").status_code == 302
    assert Certificate.objects.get().decision == decision


def test_not_confirmed_mails_the_assessor_and_correction_is_moderated_again(
    ws, trainee, assessor, second, django_capture_on_commit_callbacks
):
    deciding = _client(assessor)
    decision = _decide(deciding, trainee)
    moderator = _client(second)

    response = _moderate(moderator, decision, "not_confirmed", "")
    assert response.status_code == 400 and not Moderation.objects.exists()  # reasons required
    with django_capture_on_commit_callbacks(execute=True):
        response = _moderate(moderator, decision, "not_confirmed", "觀察紀錄與結論不符")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[assessor.email]]
    assert "觀察紀錄與結論不符" in mail.outbox[0].body

    issue_url = reverse("assessments:certificate_issue", args=[decision.pk])
    deciding.post(issue_url)
    assert not Certificate.objects.exists()
    page = deciding.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert 'data-testid="moderation-correct"' in page and "觀察紀錄與結論不符" in page

    # Trainee sees only that it awaits moderation, never the moderator's notes.
    mine = _client(trainee).get(reverse("assessments:me")).content.decode()
    assert "待複核" in mine and "觀察紀錄與結論不符" not in mine and "林複評" not in mine

    correction = _decide(deciding, trainee, correction_reason="依複核意見重新確認")
    assert correction.corrects == decision and correction.moderation_required
    queue = moderator.get(reverse("assessments:moderation_queue")).content.decode()
    assert f'data-decision="{correction.pk}"' in queue
    assert f'data-decision="{decision.pk}"' not in queue


def test_scope_and_roles(ws, trainee, assessor, second, outsider, client_as):
    decision = _decide(_client(assessor), trainee)
    url = reverse("assessments:moderation_detail", args=[decision.pk])

    far = _client(outsider)
    assert far.get(url).status_code == 404
    assert _moderate(far, decision, "confirmed").status_code == 404
    queue = far.get(reverse("assessments:moderation_queue")).content.decode()
    assert f'data-decision="{decision.pk}"' not in queue

    for role in ("trainer", "trainee"):
        client, _ = client_as(role)
        assert client.get(url).status_code == 403
        assert _moderate(client, decision, "confirmed").status_code == 403

    admin, _ = client_as("admin")
    page = admin.get(url)
    assert page.status_code == 200 and 'data-testid="moderation-form"' not in page.content.decode()
    assert "待複核" in page.content.decode()
    assert _moderate(admin, decision, "confirmed").status_code == 403
    assert not Moderation.objects.exists()
    assert not AuditEntry.objects.filter(action="decision.moderated").exists()


def test_first_decisions_of_each_assessor_then_share_zero(
    trainee, other_trainee, assessor, second, role_groups
):
    from tests.factories.people import make_trainee

    _policy(0, first=2)
    trainees = [trainee, other_trainee, make_trainee(name="黃小華")]
    ws = workspace_build(assessor=assessor, trainees=trainees)
    client = _client(assessor)
    required = []
    for t in trainees:
        give_complete_evidence(assessor=assessor, trainee=t, ws=ws)
        required.append(_decide(client, t).moderation_required)
    assert required == [True, True, False]


def test_not_yet_competent_never_requires_moderation(ws, trainee, assessor):
    decision = _decide(_client(assessor), trainee, outcome="not_yet_competent")
    assert not decision.moderation_required
    page = _client(assessor).get(reverse("assessments:trainee", args=[trainee.pk]))
    assert "待複核" not in page.content.decode()


def test_sample_is_stable_and_follows_the_share():
    draws = [
        moderation_sampled(trainee_id=t, unit_id=7, round_number=1, share=20) for t in range(400)
    ]
    again = [
        moderation_sampled(trainee_id=t, unit_id=7, round_number=1, share=20) for t in range(400)
    ]
    assert draws == again
    assert 40 < sum(draws) < 120  # about a fifth
    assert not any(
        moderation_sampled(trainee_id=t, unit_id=7, round_number=1, share=0) for t in range(50)
    )
    assert all(
        moderation_sampled(trainee_id=t, unit_id=7, round_number=1, share=100) for t in range(50)
    )


def test_decision_without_moderation_issues_as_before(trainee, assessor, second):
    _policy(0, first=0)
    _world(trainee, assessor, second)
    client = _client(assessor)
    decision = _decide(client, trainee)
    assert not decision.moderation_required
    client.post(reverse("assessments:certificate_issue", args=[decision.pk]))
    assert Certificate.objects.get().decision == decision


def test_bulk_issue_skips_decisions_awaiting_moderation_and_lists_them(
    ws, trainee, assessor, second, client_as, django_capture_on_commit_callbacks
):
    from assessments.models.certificates import BulkIssueJob

    decision = _decide(_client(assessor), trainee)
    admin, _ = client_as("admin")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("assessments:certificate_bulk"),
            {"cohort": ws.cohort.pk, "unit": ws.unit.pk, "decisions": [decision.pk]},
        )
    job = BulkIssueJob.objects.get()
    page = admin.get(reverse("assessments:certificate_bulk_job", args=[job.pk])).content.decode()
    assert "等待第二位評量人員複核" in page and not Certificate.objects.exists()

    _moderate(_client(second), decision, "confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("assessments:certificate_bulk_retry", args=[job.pk]))
    assert Certificate.objects.get().decision == decision


def test_policy_is_an_admin_setting(client_as):
    admin, _ = client_as("admin")
    page = admin.get(
        reverse("wagtailsettings:edit", args=["assessments", "moderationpolicy"]), follow=True
    )
    assert page.status_code == 200
    url = page.redirect_chain[-1][0] if page.redirect_chain else page.request["PATH_INFO"]
    response = admin.post(url, {"share_percent": "35", "first_decisions_per_assessor": "1"})
    assert response.status_code == 302
    policy = ModerationPolicy.load()
    assert (policy.share_percent, policy.first_decisions_per_assessor) == (35, 1)
    assert (
        admin.post(url, {"share_percent": "101", "first_decisions_per_assessor": "1"}).status_code
        == 200
    )
    assert ModerationPolicy.load().share_percent == 35
    trainer, _ = client_as("trainer")
    assert trainer.get(url).status_code in (302, 403)
