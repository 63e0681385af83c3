"""/healthz/ (liveness) and /readyz/ (database and task queue), through HTTP."""

import datetime
import uuid

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def _task_row(*, enqueued_minutes_ago: int, run_after=None, status=TaskResultStatus.READY):
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        task_path="core.tasks.delivery_send",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=enqueued_minutes_ago)
    )
    return row


@pytest.mark.django_db
def test_healthz_is_live_and_never_cached(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_ok_with_a_fresh_queue(client):
    _task_row(enqueued_minutes_ago=1)
    _task_row(enqueued_minutes_ago=60, status=TaskResultStatus.SUCCESSFUL)
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ["database", "queue"]}
    assert "max-age=0" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_503_when_the_oldest_ready_task_is_too_old(client, monkeypatch):
    monkeypatch.setenv("READINESS_MAX_QUEUE_AGE", "300")
    _task_row(enqueued_minutes_ago=1)
    _task_row(enqueued_minutes_ago=20)
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": {"queue": "task queue stuck"}}
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_counts_a_deferred_task_from_its_run_after(client, monkeypatch):
    monkeypatch.setenv("READINESS_MAX_QUEUE_AGE", "300")
    now = timezone.now()
    # Enqueued an hour ago, deferred to a minute ago: it has waited one minute, not sixty.
    _task_row(enqueued_minutes_ago=60, run_after=now - datetime.timedelta(minutes=1))
    # Deferred to the future: not ready, whatever its age.
    _task_row(enqueued_minutes_ago=90, run_after=now + datetime.timedelta(hours=1))
    assert client.get("/readyz/").status_code == 200
    monkeypatch.setenv("READINESS_MAX_QUEUE_AGE", "30")
    assert client.get("/readyz/").status_code == 503


@pytest.mark.django_db
def test_readyz_503_when_the_database_fails(client, monkeypatch):
    from core import health

    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": {"database": "database unreachable"},
    }


@pytest.mark.django_db
def test_readyz_503_when_the_task_table_is_unreachable(client, monkeypatch):
    from django_tasks_db.models import DBTaskResult as Model

    def broken(*args, **kwargs):
        raise DatabaseError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(Model.objects, "filter", broken)
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["failed"] == {"queue": "task queue unreachable"}
    assert "django_tasks" not in response.content.decode()
