"""Readiness for load balancers and orchestrators: `/readyz/` answers 200 when the database
answers and the task queue is moving, else 503 naming what failed. Liveness is `/healthz/`
(people.views.healthz). Neither is cached; neither says anything about anyone."""

import datetime
import logging
import os

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

DEFAULT_MAX_QUEUE_AGE = 300  # seconds the oldest ready task may wait (READINESS_MAX_QUEUE_AGE)


def max_queue_age() -> int:
    return int(getattr(settings, "READINESS_MAX_QUEUE_AGE", 0) or 0) or int(
        os.environ.get("READINESS_MAX_QUEUE_AGE", DEFAULT_MAX_QUEUE_AGE)
    )


def database_check() -> str | None:
    """None when a trivial query answers, else what failed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("readiness: database check failed")
        return "database unreachable"
    return None


def queue_check(*, now: datetime.datetime | None = None) -> str | None:
    """None when the task table answers and its oldest ready task has waited less than the
    threshold (a stuck or absent db_worker lets it grow), else what failed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    date_max = get_date_max()
    try:
        # The waiting time of a ready task starts when it was enqueued or, when it was
        # deferred, when its run_after passed: look at the few oldest by either.
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(
            run_after__gt=now, run_after__lt=date_max
        )
        since = Case(
            When(run_after=date_max, then=F("enqueued_at")),
            default=Greatest(F("enqueued_at"), F("run_after")),
        )
        first = ready.annotate(since=since).order_by("since").values_list("since", flat=True)[:1]
        waits = list(first)
    except DatabaseError:
        logger.exception("readiness: task queue check failed")
        return "task queue unreachable"
    if waits and (now - waits[0]).total_seconds() > max_queue_age():
        return "task queue stuck"
    return None


@never_cache
def readyz(request):
    failures = {}
    database = database_check()
    if database:
        failures["database"] = database
    else:
        queue = queue_check()
        if queue:
            failures["queue"] = queue
    if failures:
        return JsonResponse({"status": "unavailable", "failed": failures}, status=503)
    return JsonResponse({"status": "ok", "checks": ["database", "queue"]})
