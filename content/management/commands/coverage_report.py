"""`manage.py coverage_report COURSE-SLUG [--format json|text]`: a course's mapping coverage
for CI and auditors, from the same computation as the mapping matrix, its exports and the
course publish gate (content.selectors.mapping). JSON:

    {"course": slug, "gaps": [codes],
     "rows": [{"code", "taught": [labels], "assessed": {method: [labels]}}]}

Exit status 0 when the course has no gaps, 1 when gaps remain, 2 for an unknown course."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from content.pages.course import CoursePage
from content.selectors.mapping import course_mapping_matrix, coverage_report

GAPS_EXIT = 1
UNKNOWN_EXIT = 2


class Command(BaseCommand):
    help = (
        "Report what teaches and what assesses each indicator and item of a course; "
        "exit 1 when gaps remain."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The course page's slug")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, slug: str, format: str, **options):
        courses = list(CoursePage.objects.filter(slug=slug).exclude(unit=None)[:2])
        if not courses:
            raise CommandError(
                _("No course with the slug %(slug)s.") % {"slug": slug}, returncode=UNKNOWN_EXIT
            )
        if len(courses) > 1:
            raise CommandError(
                _("More than one course has the slug %(slug)s.") % {"slug": slug},
                returncode=UNKNOWN_EXIT,
            )
        matrix = course_mapping_matrix(courses[0])
        report = coverage_report(matrix)
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._text(matrix, report)
        if report["gaps"]:
            sys.exit(GAPS_EXIT)

    def _text(self, matrix, report) -> None:
        labels = dict(matrix.methods)
        for row in report["rows"]:
            self.stdout.write(row["code"])
            for label in row["taught"]:
                self.stdout.write(f"  {_('Taught (not evidence)')}: {label}")
            for method, entries in row["assessed"].items():
                for label in entries:
                    self.stdout.write(f"  {labels[method]}: {label}")
        if matrix.gaps:
            self.stdout.write(self.style.ERROR(_("Gaps:")))
            for gap in matrix.gaps:
                self.stdout.write(f"  - {gap}")
        else:
            self.stdout.write(
                self.style.SUCCESS(_("No gaps: every indicator and item meets the rule."))
            )
