"""`manage.py scenario_lint [SLUG ...] [--all]`: the scenario linter over scenario pages (the
latest draft of each, what publishing would put live); prints the problems per scenario and
exits 1 if there are any."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from content.pages.scenario import ScenarioPage
from content.selectors.scenarios import scenario_publish_problems


class Command(BaseCommand):
    help = "Check role-play scenarios: paths against ending score bands, claimed indicators."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Slugs of the scenario pages to check")
        parser.add_argument("--all", action="store_true", help="Check every scenario page")

    def handle(self, *args, slugs: list[str], **options):
        if not slugs and not options["all"]:
            raise CommandError(_("Name the scenarios to check (their slugs), or give --all."))
        pages = ScenarioPage.objects.order_by("path")
        if not options["all"]:
            pages = pages.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(pages.values_list("slug", flat=True)))
            if missing:
                raise CommandError(
                    _("No scenario with the slug: %(slugs)s") % {"slugs": ", ".join(missing)}
                )
        failed = 0
        for page in pages:
            draft = page.get_latest_revision_as_object()
            problems = scenario_publish_problems(draft)
            if not problems:
                self.stdout.write(
                    self.style.SUCCESS(_("%(slug)s: no problems") % {"slug": page.slug})
                )
                continue
            failed += 1
            self.stdout.write(
                self.style.ERROR(
                    _("%(slug)s: %(count)s problems") % {"slug": page.slug, "count": len(problems)}
                )
            )
            for problem in problems:
                self.stdout.write(f"  - {problem.message}")
        if failed:
            raise CommandError(
                _("%(count)s scenarios have problems.") % {"count": failed}, returncode=1
            )
