"""What must hold before content goes live, checked when a review is approved
(content.review_finish) with the object of the submitted revision. The editor's forms
check the same first (ScenarioPageForm, QuizPageForm); this is the gate no approval passes.
Each check raises PermissionDenied naming the problems; anything else passes."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from content.pages.quiz import QuizPage
from content.selectors.quiz_pool import draft_blueprint_rows, quiz_publish_problems
from content.services.scenarios import scenario_publish_check


def quiz_publish_check(obj) -> None:
    if not isinstance(obj, QuizPage):
        return
    rows = draft_blueprint_rows(obj) if obj.selection == QuizPage.Selection.BLUEPRINT else None
    problems = quiz_publish_problems(obj, rows=rows)
    if problems:
        raise PermissionDenied(
            _("The quiz cannot be published until its problems are fixed: %(problems)s")
            % {"problems": " ".join(problems)}
        )


def publish_check(obj) -> None:
    scenario_publish_check(obj)
    quiz_publish_check(obj)
