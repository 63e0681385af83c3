"""Demo role-play scenarios: reads content/demo/data/scenarios.yaml and places the scenarios
in the module "role-play" of the demo course "loyalty-programs" (created by
content.demo.course; the module is created here when missing). Idempotent: scenarios are
matched by slug and never rebuilt, so trainees' runs stay attached to them. The same matching
means that an edited scenario in the YAML reaches only a database that does not have its slug
yet (a fresh demo database); an existing database keeps the scenario it has and gets only
the scenarios that are new.

The seven scenarios (issue 15) all follow the course's one programme 「好生活會員」: joining at
the till, a missed credit (補登), a returning member (回流禮) who expects a member discount, a
till moment with points and 結帳加價購, a 週年慶 金卡 customer, a customer-service callback and
a T4 review of a promotion's results with the store manager."""

import logging
from pathlib import Path

import yaml
from django.db import transaction

from content.pages.course import CoursePage, ModulePage
from content.services.scenarios import scenario_page_create

DATA = Path(__file__).resolve().parent / "data" / "scenarios.yaml"
COURSE_SLUG = "loyalty-programs"

logger = logging.getLogger(__name__)


def read_data(path: Path | str | None = None) -> dict:
    return yaml.safe_load(Path(path or DATA).read_text(encoding="utf-8"))


def load(path: Path | str | None = None) -> None:
    load_scenarios(path)


@transaction.atomic
def load_scenarios(path: Path | str | None = None) -> list:
    """The demo scenario pages (existing ones returned as they are)."""
    data = read_data(path)
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        logger.warning("demo scenarios skipped: course %s does not exist yet", COURSE_SLUG)
        return []
    spec = data["module"]
    module = ModulePage.objects.child_of(course).filter(slug=spec["slug"]).first()
    if module is None:
        module = ModulePage(title=spec["title"], slug=spec["slug"], intro=spec.get("intro", ""))
        course.add_child(instance=module)
        module.save_revision(log_action=False).publish(log_action=False)
        module.refresh_from_db()
    return [scenario_page_create(parent=module, data=item) for item in data["scenarios"]]
