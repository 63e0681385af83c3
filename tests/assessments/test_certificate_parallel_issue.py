"""Certificates issued side by side (issue 18): the number is reserved in a short
transaction and the PDF rendered outside the counter's lock, so two workers render at the same
moment. On PostgreSQL, with their own connections; SQLite serialises writers anyway. Also on
either database: a decision corrected while its PDF renders gets no certificate, and its
reserved number stays on record, unused."""

import threading

import pytest
from django.db import connection, connections

from assessments.models.certificates import Certificate, CertificateNumberReservation
from assessments.services import certificates as services
from tests.factories.certificates import make_decision, make_unit
from tests.factories.people import make_assessor, make_trainee


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections rendering at once need PostgreSQL's row locks",
)
def test_two_issues_render_at_the_same_time_and_take_consecutive_numbers():
    unit = make_unit()
    assessor = make_assessor()
    decisions = [
        make_decision(trainee=make_trainee(), assessor=assessor, unit=unit) for _ in range(2)
    ]
    both_rendering = threading.Barrier(2, timeout=20)
    real = services._render

    def render_when_both_are_here(certificate):
        # Were the counter still locked through the render, the second issue would wait at
        # the lock and this barrier would break after its timeout.
        both_rendering.wait()
        return real(certificate)

    results: list = [None, None]

    def issue(index):
        try:
            results[index] = services.certificate_issue(
                decision=decisions[index], issued_by=assessor
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            results[index] = exc
        finally:
            connections.close_all()

    original, services._render = services._render, render_when_both_are_here
    try:
        threads = [threading.Thread(target=issue, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        services._render = original
    assert all(isinstance(r, Certificate) for r in results), results
    numbers = sorted(int(c.number[-6:]) for c in results)
    assert numbers[1] == numbers[0] + 1
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_a_decision_corrected_during_the_render_gets_no_certificate(monkeypatch):
    unit = make_unit()
    assessor = make_assessor()
    trainee = make_trainee()
    decision = make_decision(trainee=trainee, assessor=assessor, unit=unit)
    real = services._render

    def render_then_correct(certificate):
        content = real(certificate)
        make_decision(
            trainee=trainee,
            assessor=assessor,
            unit=unit,
            outcome=decision.Outcome.NOT_YET_COMPETENT,
            corrects=decision,
        )
        return content

    monkeypatch.setattr(services, "_render", render_then_correct)
    with pytest.raises(services.CertificateError, match="更正"):
        services.certificate_issue(decision=decision, issued_by=assessor)
    assert not Certificate.objects.exists()
    reserved = CertificateNumberReservation.objects.get(decision=decision)
    assert not Certificate.objects.filter(number=reserved.number).exists()
