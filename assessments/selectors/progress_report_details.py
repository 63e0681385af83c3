"""What the progress report shows beside each enrolment that one SQL query cannot: the grade of
each quiz of the course (its grading method applied, as the trainee sees it), the counted run
of each scenario (the course's `scenario_counting`: the best run unless the course says the
latest), how many of the unit's indicators have sufficient evidence (the competency profile,
`assessments.selectors.profile`, judged by `assessments.sufficiency`), and whether the
latest decision waits for moderation or is under appeal.

Every read goes through the selectors that own the rule; the number of queries depends on
the number of courses among the rows, never on the number of trainees."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from assessments.models.appeals import Appeal
from assessments.models.decisions import Decision
from assessments.selectors.moderation import awaiting_moderation_q
from assessments.selectors.profile import competency_profiles
from content.pages.course import CoursePage
from content.pages.quiz import QuizPage
from content.pages.scenario import ScenarioPage
from training.selectors.quizzes import QuizStatus, quiz_status
from training.selectors.scenarios import scenario_status


@dataclass
class CourseActivities:
    """The live, not retired quizzes and scenarios of one course, in tree order."""

    quizzes: list[QuizPage] = field(default_factory=list)
    scenarios: list[ScenarioPage] = field(default_factory=list)


@dataclass
class ProgressDetail:
    quizzes: list[tuple[QuizPage, QuizStatus | None]]
    scenarios: list[tuple[ScenarioPage, dict | None]]
    indicators_met: int | None  # None when evidence was not asked for
    indicators_total: int
    awaiting_moderation: bool = False
    appeal_open: bool = False

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for _quiz, status in self.quizzes if status and status.passed)

    @property
    def scenarios_done(self) -> list[float]:
        """The counted scores of the scenarios finished."""
        return [s["score"] for _page, s in self.scenarios if s and s.get("done")]

    @property
    def scenarios_average(self) -> int | None:
        done = self.scenarios_done
        return round(sum(done) / len(done)) if done else None


def _pages_under(model, courses: list[CoursePage]) -> list:
    if not courses:
        return []
    under = Q()
    for course in courses:
        under |= Q(path__startswith=course.path, depth__gt=course.depth)
    return list(
        model.objects.live().filter(under, retired=False).defer_streamfields().order_by("path")
    )


def course_activities(courses) -> dict[int, CourseActivities]:
    """{course id: its quizzes and scenarios}, in two queries for all the courses."""
    courses = list({course.pk: course for course in courses}.values())
    out = {course.pk: CourseActivities() for course in courses}
    for attr, model in (("quizzes", QuizPage), ("scenarios", ScenarioPage)):
        for page in _pages_under(model, courses):
            for course in courses:
                if page.path.startswith(course.path):
                    getattr(out[course.pk], attr).append(page)
                    break
    return out


def progress_details(
    enrolments, *, with_evidence: bool, activities: dict[int, CourseActivities] | None = None
) -> dict[int, ProgressDetail]:
    """{enrolment id: detail} for these annotated enrolments (`progress_rows`).
    `with_evidence`: also judge each trainee's evidence (only for those who may see it)."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    by_course: dict[int, list] = defaultdict(list)
    courses: dict[int, CoursePage] = {}
    for enrolment in enrolments:
        by_course[enrolment.course_id].append(enrolment)
        courses[enrolment.course_id] = enrolment.course
    if activities is None:
        activities = course_activities(courses.values())
    trainee_ids = sorted({e.trainee_id for e in enrolments})
    all_quizzes = [q for a in activities.values() for q in a.quizzes]
    quizzes = quiz_status(trainee_ids, all_quizzes) if all_quizzes else {}

    decision_ids = [e.decision_pk for e in enrolments if e.decision_pk]
    waiting, appealed = set(), set()
    if decision_ids:
        waiting = set(
            Decision.objects.filter(awaiting_moderation_q(), pk__in=decision_ids).values_list(
                "pk", flat=True
            )
        )
        appealed = set(
            Appeal.objects.filter(decision_id__in=decision_ids, outcomes__isnull=True).values_list(
                "decision_id", flat=True
            )
        )

    out: dict[int, ProgressDetail] = {}
    for course_id, rows in by_course.items():
        course = courses[course_id]
        found = activities.get(course_id, CourseActivities())
        ids = sorted({e.trainee_id for e in rows})
        scenarios = scenario_status(ids, found.scenarios, course) if found.scenarios else {}
        profiles = {}
        if with_evidence and course.unit_id:
            profiles = competency_profiles(trainee_ids=ids, unit=course.unit, course=course)
        for enrolment in rows:
            tid = enrolment.trainee_id
            profile = profiles.get(tid)
            out[enrolment.pk] = ProgressDetail(
                quizzes=[(quiz, quizzes.get((tid, quiz.pk))) for quiz in found.quizzes],
                scenarios=[(page, scenarios.get((tid, page.pk))) for page in found.scenarios],
                indicators_met=(
                    sum(1 for row in profile.rows if row.met) if profile is not None else None
                ),
                indicators_total=len(profile.rows) if profile is not None else 0,
                awaiting_moderation=enrolment.decision_pk in waiting,
                appeal_open=enrolment.decision_pk in appealed,
            )
    return out
