"""Close timed quiz attempts whose time (plus grace) is over, grading what was saved in
time. Run it every few minutes (cron or the task worker's scheduler)."""

from django.core.management.base import BaseCommand

from training.services.quizzes import quiz_attempts_close_overdue


class Command(BaseCommand):
    help = "Close and grade timed quiz attempts whose time limit has passed."

    def handle(self, *args, **options):
        closed = quiz_attempts_close_overdue()
        self.stdout.write(f"closed {closed} overdue quiz attempt(s)")
