"""Every few minutes (cron or a systemd timer): send outbox rows whose next attempt is due.
Needed where the task backend cannot defer retries, and a safety net everywhere else
(rows whose task was lost, workers that crashed mid-send)."""

from django.core.management.base import BaseCommand

from core.services import deliveries_retry_due


class Command(BaseCommand):
    help = "Attempt every queued e-mail delivery that is due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many rows.")

    def handle(self, *args, limit: int = 200, **options):
        counts = deliveries_retry_due(limit=limit)
        self.stdout.write(
            "deliveries: {sent} sent, {queued} to retry, {failed} failed".format(**counts)
        )
