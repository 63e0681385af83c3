"""Daily: e-mail holders whose certificate expires soon (run from cron, or enqueue the
`certificates_expiry_reminders_task` with --enqueue for the db_worker)."""

from django.core.management.base import BaseCommand

from assessments.services.certificate_reminders import (
    certificates_expiry_reminders_task,
    certificates_send_expiry_reminders,
)


class Command(BaseCommand):
    help = "Send one reminder per certificate that expires within the configured window."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the worker instead."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            certificates_expiry_reminders_task.enqueue()
            self.stdout.write("queued")
            return
        sent = certificates_send_expiry_reminders()
        self.stdout.write(f"reminders sent: {sent}")
