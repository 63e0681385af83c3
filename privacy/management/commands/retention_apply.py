"""The periodic retention job: `manage.py retention_apply [--dry-run] [--as-of DATE]`.
Applies every retention rule (privacy/record_kinds.py, set in the admin) and logs a
RetentionRun plus an audit entry; --dry-run only counts."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from privacy.services import retention_apply


class Command(BaseCommand):
    help = "Delete or anonymise the records whose retention period has ended."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument("--as-of", help="Count periods up to this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, as_of=None, **options):
        now = timezone.now()
        if as_of:
            day = parse_date(as_of)
            if day is None:
                raise CommandError("--as-of must be a date, YYYY-MM-DD.")
            now = timezone.make_aware(datetime.combine(day, time.min))
        run = retention_apply(now=now, dry_run=dry_run)
        label = "Dry run" if dry_run else "Applied"
        for kind, count in run.counts.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"{label}: {run.total} records (run {run.pk}).")
