"""Daily (from cron): e-mail each assessor a digest of overdue and due-today to-do items and
leave it on their notifications page; running twice the same day sends nothing new."""

from django.core.management.base import BaseCommand

from assessments.services.assessor_reminders import assessor_reminders_send


class Command(BaseCommand):
    help = "Send each assessor at most one digest a day of overdue and due-today items."

    def handle(self, *args, **options):
        sent = assessor_reminders_send()
        self.stdout.write(f"assessor reminders sent: {sent}")
