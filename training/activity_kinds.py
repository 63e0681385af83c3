"""The activities of a course: every kind of page a trainee *does* inside a module, by its
Wagtail page model's label, with the function that reports how far trainees are through it.
Course completion (training/completion.py) reads this table; a new kind is one more entry
here (and, when it is graded, its rule in `completion.DEFAULT_RULES`).

A status function is called as `fn(trainee_ids, pages)`, or `fn(trainee_ids, pages,
course=course)` when it declares `course` (it needs the course's rules, e.g.
`scenario_counting`):
- `trainee_ids`: list[int]; `pages`: the live pages of that model in one course (specific
  instances, stream fields deferred); `course`: the CoursePage.
- It returns `{(trainee_id, page_id): status}` in a fixed number of queries whatever the
  number of trainees or pages; pairs left out count as "not started". A status is a
  `completion.ActivityStatus`, a dict with its keys or an object with its attributes
  (`started`, `done`, `passed`, `score`, `finished_at`)."""

from training.models.progress import LessonProgress
from training.selectors.quizzes import quiz_status
from training.selectors.scenarios import scenario_status


def lesson_status(trainee_ids, pages) -> dict:
    """Lessons are done when the trainee marked (or scrolled) them complete."""
    rows = LessonProgress.objects.filter(
        trainee_id__in=list(trainee_ids), lesson_id__in=[page.pk for page in pages]
    ).values_list("trainee_id", "lesson_id", "completed_at")
    return {
        (trainee_id, lesson_id): {
            "started": True,
            "done": completed_at is not None,
            "finished_at": completed_at,
        }
        for trainee_id, lesson_id, completed_at in rows
    }


ACTIVITY_KINDS = {
    "content.LessonPage": lesson_status,
    # Done once an attempt is submitted; passed when the grade across attempts (the quiz's
    # grading method) reaches the pass mark.
    "content.QuizPage": quiz_status,
    # Done when a run is finished; the best or the latest finished run counts, as the
    # course's `scenario_counting` says.
    "content.ScenarioPage": scenario_status,
}
