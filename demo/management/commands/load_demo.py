"""`manage.py load_demo`: build (or top up) the demo site. Idempotent: every loader matches
what exists and only adds what is missing."""

import importlib

from django.core.management.base import BaseCommand

from demo import accounts

# Order matters: the unit before the course, the course before its scenarios and quizzes,
# the training records before the assessor's evidence and certificates.
LOADERS = (
    "content.demo.unit",
    "content.demo.course",
    "content.demo.scenarios",
    "content.demo.questions",
    "training.demo.enrolments",
    "assessments.demo.workspace",
    "assessments.demo.certificates",
)


class Command(BaseCommand):
    help = "Create the demo accounts, unit, course and sample records (idempotent)."

    def handle(self, *args, **options):
        accounts.load()
        for dotted in LOADERS:
            importlib.import_module(dotted).load()
            self.stdout.write(f"  loaded {dotted}")
        self.stdout.write(self.style.SUCCESS("Demo site ready."))
