"""`manage.py load_demo`: build (or top up) the demo site. Idempotent: every loader matches
what exists and only adds what is missing. `--if-missing` loads only when the demo is absent
from the database (the set-up's quick check: a few queries when it is there)."""

import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo import accounts

# Order matters: the unit before the course, the course before its scenarios and quizzes,
# the training records before the assessor's evidence and certificates.
LOADERS = (
    "content.demo.unit",
    "content.demo.course",
    "content.demo.scenarios",
    "content.demo.questions",
    "content.demo.instruments",
    "training.demo",
    "assessments.demo.workspace",
    "assessments.demo.certificates",
)


def demo_missing() -> str | None:
    """Why the demo is not in this database, or None when it is: every demo account exists
    and the demo course is live with its lessons."""
    from content.demo.unit import SEED_CODE
    from content.pages.course import CoursePage
    from content.pages.lesson import LessonPage
    from people.models import User

    wanted = {account.username for account in accounts.ACCOUNTS}
    found = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    if wanted - found:
        return f"demo accounts missing: {', '.join(sorted(wanted - found))}"
    course = CoursePage.objects.live().filter(unit__code=SEED_CODE).first()
    if course is None:
        return f"no live course for unit {SEED_CODE}"
    if not LessonPage.objects.live().descendant_of(course).exists():
        return "the demo course has no live lessons"
    return None


class Command(BaseCommand):
    help = "Create the demo accounts, unit, course and sample records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="load only when the demo is absent from the database (quick check)",
        )

    def handle(self, *args, **options):
        if options["if_missing"]:
            reason = demo_missing()
            if reason is None:
                return
            self.stdout.write(f"Loading the demo ({reason}).")
        accounts.load()
        for dotted in LOADERS:
            importlib.import_module(dotted).load()
            self.stdout.write(f"  loaded {dotted}")
        # Lesson search reads Wagtail's index; outside tests index updates are background
        # tasks, so the freshly loaded pages are indexed here, before anyone searches.
        call_command("update_index", verbosity=0)
        self.stdout.write("  indexed the pages for search")
        self.stdout.write(self.style.SUCCESS("Demo site ready."))
