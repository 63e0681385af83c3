"""Third-party report links after creation: the assessor in scope can send a new link (new
token, the old one stops working) or cancel it, from the trainee's page; both are POST,
audited, and refused to everyone else. The new link is shown once, with a copy button."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models.evidence import ThirdPartyRequest
from assessments.services.third_party import third_party_report_submit, third_party_request_create
from core.models import AuditEntry, Delivery
from tests.factories.people import make_assessor, make_trainee
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db

SUPERVISOR = "boss@example.test"


@pytest.fixture
def world(trainee, assessor, client_as):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    tp_request, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email=SUPERVISOR,
    )
    outsider = make_assessor(name="別組評審")
    workspace_build(assessor=outsider, trainees=[make_trainee()])  # in scope elsewhere
    clients = {role: client_as(role)[0] for role in ("anonymous", "trainee", "trainer", "admin")}
    clients["assessor"] = client_as("assessor")[0]
    clients["assessor_out_of_scope"] = Client()
    clients["assessor_out_of_scope"].force_login(outsider)
    return {"ws": ws, "request": tp_request, "token": token, "clients": clients}


def _url(name: str, tp_request: ThirdPartyRequest, trainee_id: int | None = None) -> str:
    return reverse(
        f"assessments:third_party_{name}", args=[trainee_id or tp_request.trainee_id, tp_request.pk]
    )


def _form_status(token: str) -> int:
    return Client().get(reverse("assessments:third_party_form", args=[token])).status_code


REFUSED = {
    "anonymous": 302,  # to log in
    "trainee": 403,
    "trainer": 403,
    "admin": 403,  # admins oversee; only Assessor-group members act on evidence
    "assessor_out_of_scope": 404,  # the id is not theirs to know
}


@pytest.mark.parametrize("action", ["resend", "cancel"])
@pytest.mark.parametrize("role", sorted(REFUSED))
def test_resend_and_cancel_are_refused_to_everyone_but_the_assessor_in_scope(world, role, action):
    tp_request = world["request"]
    response = world["clients"][role].post(_url(action, tp_request))
    assert response.status_code == REFUSED[role]
    if role == "anonymous":
        assert reverse("login") in response["Location"]
    assert _form_status(world["token"]) == 200  # the link still works
    assert not AuditEntry.objects.filter(action__in=["third_party.resent", "third_party.cancelled"])
    assert Delivery.objects.filter(recipient=SUPERVISOR).count() == 1


OFFERED = {
    "assessor": (200, True),
    "trainer": (403, False),  # trainers are not in /assess/ (issue 13)
    "admin": (200, False),
    "assessor_out_of_scope": (404, False),
    "trainee": (403, False),
    "anonymous": (302, False),
}


@pytest.mark.parametrize("role", sorted(OFFERED))
def test_only_the_assessor_in_scope_is_offered_resend_and_cancel(world, role):
    status, offered = OFFERED[role]
    tp_request = world["request"]
    response = world["clients"][role].get(
        reverse("assessments:trainee", args=[tp_request.trainee_id])
    )
    assert response.status_code == status
    html = response.content.decode()
    assert (_url("resend", tp_request) in html) is offered
    assert (_url("cancel", tp_request) in html) is offered
    assert (SUPERVISOR in html) is offered


def test_get_is_not_allowed(world):
    client = world["clients"]["assessor"]
    assert client.get(_url("resend", world["request"])).status_code == 405
    assert client.get(_url("cancel", world["request"])).status_code == 405


def test_ids_of_another_trainee_are_404(world, assessor, other_trainee):
    other_trainee.profile.cohorts.add(world["ws"].cohort)  # also in this assessor's scope
    client = world["clients"]["assessor"]
    assert client.get(reverse("assessments:trainee", args=[other_trainee.pk])).status_code == 200
    tp_request = world["request"]
    for action in ("resend", "cancel"):
        response = client.post(_url(action, tp_request, trainee_id=other_trainee.pk))
        assert response.status_code == 404
    response = client.post(
        reverse("assessments:third_party_resend", args=[tp_request.trainee_id, 10**9])
    )
    assert response.status_code == 404
    assert _form_status(world["token"]) == 200


def _link_from(response) -> str:
    return response.context["link"]


def test_resend_makes_a_new_link_kills_the_old_one_and_mails_it(
    world, assessor, django_capture_on_commit_callbacks
):
    tp_request, old_token = world["request"], world["token"]
    before = tp_request.expires_at
    with django_capture_on_commit_callbacks(execute=True):
        response = world["clients"]["assessor"].post(_url("resend", tp_request))
    assert response.status_code == 200
    link = _link_from(response)
    html = response.content.decode()
    assert link in html and old_token not in html and old_token not in link
    new_token = link.rstrip("/").rsplit("/", 1)[1]
    assert _form_status(new_token) == 200
    assert _form_status(old_token) == 404  # the old link is dead
    tp_request.refresh_from_db()
    assert tp_request.expires_at >= before
    entry = AuditEntry.objects.get(action="third_party.resent")
    assert entry.object_id == tp_request.pk and entry.actor == assessor
    deliveries = Delivery.objects.filter(recipient=SUPERVISOR).order_by("pk")
    assert deliveries.count() == 2 and deliveries.last().status == Delivery.Status.SENT
    assert link in mail.outbox[-1].body and mail.outbox[-1].to == [SUPERVISOR]


def test_cancel_kills_the_link_then_only_resend_is_offered(world, assessor):
    tp_request, token = world["request"], world["token"]
    client = world["clients"]["assessor"]
    response = client.post(_url("cancel", tp_request), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "assessments:trainee", args=[tp_request.trainee_id]
    )
    assert _form_status(token) == 410  # "no longer valid: ask the assessor for a new one"
    tp_request.refresh_from_db()
    assert tp_request.expires_at <= timezone.now()
    assert AuditEntry.objects.filter(action="third_party.cancelled", object_id=tp_request.pk)
    html = response.content.decode()
    assert _url("cancel", tp_request) not in html and _url("resend", tp_request) in html
    assert Delivery.objects.filter(recipient=SUPERVISOR).count() == 1  # no mail for a cancel

    # Cancelling again is refused with a message; a resend revives it with a new token.
    response = client.post(_url("cancel", tp_request), follow=True)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert AuditEntry.objects.filter(action="third_party.cancelled").count() == 1
    response = client.post(_url("resend", tp_request))
    assert _form_status(_link_from(response).rstrip("/").rsplit("/", 1)[1]) == 200


def test_an_answered_request_is_neither_resent_nor_cancelled(world):
    tp_request, token = world["request"], world["token"]
    third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="店長",
        declared=True,
        observed_from=timezone.localdate(),
        summary="共事半年",
        reports=[],
    )
    client = world["clients"]["assessor"]
    html = client.get(reverse("assessments:trainee", args=[tp_request.trainee_id])).content.decode()
    assert _url("resend", tp_request) not in html and _url("cancel", tp_request) not in html
    for action in ("resend", "cancel"):
        response = client.post(_url(action, tp_request), follow=True)
        assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert not AuditEntry.objects.filter(action__in=["third_party.resent", "third_party.cancelled"])
    assert Delivery.objects.filter(recipient=SUPERVISOR).count() == 1


def test_new_link_page_has_a_copy_button_and_no_inline_script(world, trainee):
    client = world["clients"]["assessor"]
    for response in (
        client.post(
            reverse("assessments:third_party_new", args=[trainee.pk]),
            {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"},
        ),
        client.post(_url("resend", world["request"])),
    ):
        html = response.content.decode()
        assert 'data-testid="copy-link"' in html and 'data-copy-target="third-party-link"' in html
        assert 'id="third-party-link"' in html and _link_from(response) in html
        assert "js/copy-link.js" in html
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all("src=" in tag for tag in scripts), scripts
    assert (Path(settings.BASE_DIR) / "static" / "js" / "copy-link.js").is_file()
    # Shown once: the trainee page lists the request, never a link or token.
    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert "/assess/report/" not in page


def test_new_and_resent_links_come_with_a_qr_code_and_a_line_share(world, trainee):
    """A store manager gets the link the way they talk: LINE, or scanning the assessor's
    phone. Both carry exactly the one-off link shown on the page."""
    from urllib.parse import parse_qs, unquote, urlsplit

    import segno

    client = world["clients"]["assessor"]
    for response in (
        client.post(
            reverse("assessments:third_party_new", args=[trainee.pk]),
            {"supervisor_name": "林店長", "supervisor_email": "lin@example.test"},
        ),
        client.post(_url("resend", world["request"])),
    ):
        link = _link_from(response)
        html = response.content.decode()
        assert 'data-testid="share-line"' in html and 'data-testid="link-qr"' in html
        line = urlsplit(response.context["line_share_url"])
        assert (line.scheme, line.netloc, line.path) == ("https", "line.me", "/R/share")
        assert link in unquote(parse_qs(line.query)["text"][0])
        qr = response.context["link_qr"]
        assert qr.startswith("data:image/svg+xml")
        expected = segno.make(link, error="m").svg_data_uri(border=2, dark="#000")
        assert qr == expected  # the code encodes this link, not another
