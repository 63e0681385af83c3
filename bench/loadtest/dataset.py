"""The load test's people, made through the apps' services in the database Django is set up
on: N generated trainees in one cohort per assessor, each cohort enrolled on the demo course
(`cohort_enrol`), and M assessors each assigned to one cohort (`assessor_assignment_create`),
so every assessor has trainees in scope. Accounts have no usable password: the test signs
them in with a session made directly in the database, as bench/run.py does.

Idempotent: accounts, cohorts and assignments that exist are reused. The plan written for the
Locust process (`plan()`) names the pages to visit and the session cookie of every user."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

PREFIX = "lt"


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the last one; axes' comes first and only throttles).
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _demo_course():
    from content.demo.unit import SEED_CODE
    from content.pages.course import CoursePage

    course = CoursePage.objects.live().filter(unit__code=SEED_CODE).first()
    if course is None:
        raise SystemExit("the demo course is missing: load the demo first (manage.py load_demo)")
    return course


def _user(username: str, full_name: str, role: str, employee_number: str, **extra):
    from people.models import User
    from people.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password=None,  # signed in by a session made here; no slow password hashing
            full_name=full_name,
            email=f"{username}@example.test",
            role=role,
            employee_number=employee_number,
            **extra,
        )
    return user


def prepare(*, trainees: int, assessors: int, course=None) -> dict:
    """Create (or reuse) the accounts, enrolled on `course` (the demo course unless given),
    and return the plan for locustfile.py."""
    from assessments.selectors.scope import trainees_assessable_by
    from assessments.services.workspace import assessor_assignment_create
    from content.pages.lesson import LessonPage
    from content.pages.quiz import QuizPage
    from content.pages.scenario import ScenarioPage
    from people import roles
    from people.models import Cohort, Store, User
    from privacy.services import acknowledgement_record
    from training.services.enrolment import cohort_enrol

    course = course or _demo_course()
    trainer = User.objects.filter(username="trainer").first()
    store = Store.objects.order_by("pk").first()
    groups = max(1, assessors)
    # No service makes cohorts (the demo and the roster import get_or_create them too).
    cohorts = [
        Cohort.objects.get_or_create(
            code=f"{PREFIX}-{index + 1}", defaults={"name": f"負載測試梯次 {index + 1}"}
        )[0]
        for index in range(groups)
    ]
    trainee_rows = []
    for number in range(1, trainees + 1):
        cohort = cohorts[(number - 1) % groups]
        user = _user(
            f"{PREFIX}-trainee-{number:03d}",
            f"負載學員 {number:03d}",
            roles.TRAINEE,
            f"LT-{number:04d}",
            store=store,
            cohorts=[cohort],
        )
        acknowledgement_record(user=user)  # else every page under /learn/ is the notice
        trainee_rows.append({"username": user.username, "id": user.pk})
    for cohort in cohorts:
        cohort_enrol(cohort=cohort, course=course, enrolled_by=trainer)
    assessor_rows = []
    for number in range(1, assessors + 1):
        cohort = cohorts[number - 1]
        user = _user(
            f"{PREFIX}-assessor-{number}",
            f"負載評量人員 {number}",
            roles.ASSESSOR,
            f"LA-{number:03d}",
        )
        assessor_assignment_create(admin=None, assessor=user, cohort=cohort)
        # The app's own answer to "whom may this assessor assess?", the load test's trainees.
        in_scope = list(
            trainees_assessable_by(user)
            .filter(username__startswith=f"{PREFIX}-trainee-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        assessor_rows.append({"username": user.username, "id": user.pk, "trainees": in_scope})

    by_name = {u.username: u for u in User.objects.filter(username__startswith=f"{PREFIX}-")}
    for row in trainee_rows + assessor_rows:
        row["session"] = session_cookie(by_name[row["username"]])
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    return {
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "lessons": [{"id": page.pk, "url": page.url} for page in lessons],
        "quizzes": list(
            QuizPage.objects.live()
            .descendant_of(course)
            .order_by("path")
            .values_list("pk", flat=True)
        ),
        "scenarios": list(
            ScenarioPage.objects.live()
            .descendant_of(course)
            .order_by("path")
            .values_list("pk", flat=True)
        ),
        "trainees": trainee_rows,
        "assessors": assessor_rows,
    }
