"""Background jobs of the core app (django-tasks API; `manage.py db_worker` runs them).
Each job re-reads the database and re-checks state: it may run late, or twice."""

from django_tasks import task


@task()
def delivery_send_task(delivery_id: int) -> str:
    """Send one outbox row (core.services.delivery_attempt). Idempotent."""
    from core.services import delivery_attempt

    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "missing"
