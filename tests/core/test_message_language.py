"""Messages we render ourselves are written in the recipient's language: a certificate holder's
Wagtail preferred language (else the site default); a supervisor without an account gets the
language the assessor was using."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.users.models import UserProfile

from assessments.services import certificates as certificate_services
from core.models import Delivery
from tests.factories.certificates import make_course, make_decision, make_unit
from tests.factories.workspace import workspace_build

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("preferred", "language", "words"),
    [("", "zh-hant", "到期"), ("en", "en", "expires on")],
)
def test_expiry_reminder_in_the_holders_language(
    outbox, trainee, assessor, preferred, language, words, django_capture_on_commit_callbacks
):
    if preferred:
        UserProfile.objects.create(user=trainee, preferred_language=preferred)
    course = make_course(make_unit(), valid_months=12)
    decision = make_decision(trainee=trainee, assessor=assessor, unit=course.unit, course=course)
    certificate = certificate_services.certificate_issue(decision=decision, issued_by=assessor)
    with django_capture_on_commit_callbacks(execute=True):
        sent = certificate_services.certificates_send_expiry_reminders(
            today=certificate.expires_on - datetime.timedelta(days=10)
        )
    assert sent == 1
    delivery = Delivery.objects.get(kind="certificate.expiry_reminder")
    assert delivery.language == language and delivery.status == Delivery.Status.SENT
    [message] = mail.outbox
    assert words in message.subject and certificate.number in message.subject
    assert message.to == [trainee.email]


@pytest.mark.parametrize(
    ("prefix", "language", "words"), [("", "zh-hant", "報告"), ("/en", "en", "report")]
)
def test_third_party_mail_in_the_assessors_language(
    outbox, trainee, assessor, client_as, prefix, language, words
):
    workspace_build(assessor=assessor, trainees=[trainee])
    client, _ = client_as("assessor")
    url = prefix + reverse("assessments:third_party_new", args=[trainee.pk])
    response = client.post(url, {"supervisor_name": "林店長", "supervisor_email": "s@example.test"})
    link = response.context["link"]
    assert ("/en/assess/report/" in link) == (language == "en")
    delivery = Delivery.objects.get(kind="third_party.link")
    assert delivery.language == language and words in delivery.subject.lower()
    assert link in delivery.body
