"""The progress report: Reports > Progress report (admins: every column; training managers:
no evidence, no decisions) and /assess/progress/ (assessors, on their trainees only): who
sees what, the gradebook columns, filters, orderings, the CSV / XLSX exports and a query
count that does not grow with the number of trainees."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.assignments import AssessorAssignment
from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from people import roles
from people.models import Cohort
from tests.factories.certificates import make_decision
from tests.factories.people import make_admin, make_assessor, make_trainee, make_user
from tests.factories.quizzes import enrol, make_module, make_quiz
from tests.factories.scenarios import make_scenario
from tests.factories.scenarios import make_unit as make_unit_of_13
from training.models.quiz_attempts import QuizAttempt
from training.models.scenario_runs import ScenarioRun

pytestmark = pytest.mark.django_db

ADMIN_URL = "progress_report:index"
ASSESS_URL = "assessments:progress_report"


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def url(name=ADMIN_URL):
    with translation.override("zh-hant"):
        return reverse(name)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def trainees(n, module, prefix="學員", **kw):
    people = []
    for i in range(n):
        trainee = make_trainee(name=f"{prefix}{i:03d}", **kw)
        enrol(trainee, module)
        people.append(trainee)
    return people


def make_training_manager():
    """A training manager as the roles module defines one: the group, and the Wagtail
    admin (granted here on the user; the role's own set-up is not this report's)."""
    user = make_user(name="訓練經理")
    user.groups.add(Group.objects.get_or_create(name=roles.TRAINING_MANAGER)[0])
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def graded(quiz, trainee, score, number=1, indicator_scores=None):
    now = timezone.now()
    return QuizAttempt.objects.create(
        quiz=quiz,
        trainee=trainee,
        number=number,
        state=QuizAttempt.State.GRADED,
        started_at=now,
        submitted_at=now,
        graded_at=now,
        score=Decimal(score),
        passed=score >= quiz.pass_mark,
        pass_mark=quiz.pass_mark,
        indicator_scores=indicator_scores or {},
    )


def finished_run(scenario, trainee, score, number=1):
    return ScenarioRun.objects.create(
        trainee=trainee,
        scenario=scenario,
        course=scenario.get_parent().get_parent().specific,
        number=number,
        status=ScenarioRun.Status.FINISHED,
        finished_at=timezone.now() + datetime.timedelta(minutes=number),
        current_step_key="end-good",
        score_percent=score,
        passed=score >= 60,
    )


def certificate_for(decision, number="LA-2026-000123"):
    return Certificate.objects.create(
        number=number,
        verification_code=f"code-{number}-" + "x" * 20,
        decision=decision,
        trainee=decision.trainee,
        unit=decision.unit,
        course=decision.course,
        holder_name=decision.trainee.profile.full_name,
        assessor_name="陳評審",
        issued_at=timezone.now(),
    )


def populated_report(size: int, tag: str):
    """A course of two quizzes and three scenarios with `size` trainees in one cohort an
    assessor is assigned to: each with both quizzes graded and the three runs finished, and a
    third of them decided Competent with a certificate. Returns (module, assessor). Shared by
    the 500-trainee tests (query counts and server time)."""
    module = make_module(make_unit_of_13())
    quizzes = [make_quiz(module), make_quiz(module)]
    scenarios = [make_scenario(module, slug=f"{tag}-{i}") for i in range(3)]
    assessor = make_assessor()
    cohort = Cohort.objects.create(code=tag, name=f"梯次 {tag}")
    AssessorAssignment.objects.create(assessor=assessor, cohort=cohort)
    for i, trainee in enumerate(trainees(size, module, cohorts=[cohort])):
        for quiz in quizzes:
            graded(quiz, trainee, 40 + i % 60)
        for scenario in scenarios:
            finished_run(scenario, trainee, 30 + i % 70)
        if i % 3 == 0:
            decision = make_decision(
                trainee=trainee, assessor=assessor, unit=module.course.unit, course=module.course
            )
            certificate_for(decision, number=f"LA-{tag}-{i:06d}")
    return module, assessor


@pytest.fixture
def gradebook(role_groups):
    """One course with two quizzes and two scenarios; 甲 certified Competent with grades,
    乙 Not Yet Competent with an appeal-free decision, 丙 nothing yet."""
    # Knowledge alone meets an indicator on this course, so a quiz can show evidence.
    module = make_module(
        make_unit_of_13(), require_performance_method=False, min_methods_per_indicator=1
    )
    course = module.course
    quiz1 = make_quiz(module, pass_mark=70)
    quiz2 = make_quiz(module, pass_mark=70)
    scenario1 = make_scenario(module, slug="first-call")
    scenario2 = make_scenario(module, slug="second-call")
    assessor = make_assessor(name="陳評審")
    cohort = Cohort.objects.create(code="2026-q4", name="第四季梯次")
    other = Cohort.objects.create(code="2027-q1", name="第一季梯次")
    first = make_trainee(name="甲學員", cohorts=[cohort])
    second = make_trainee(name="乙學員", cohorts=[cohort])
    third = make_trainee(name="丙學員", cohorts=[other])
    for trainee in (first, second, third):
        enrol(trainee, module)
    graded(quiz1, first, 60)
    first_indicator = course.unit.indicators.order_by("sort_order").first()
    full_marks = {str(first_indicator.pk): {"earned": "2", "possible": "2"}}
    # The best attempt counts (highest, the default); it is evidence of one indicator.
    graded(quiz1, first, 85, number=2, indicator_scores=full_marks)
    graded(quiz2, first, 90)
    graded(quiz1, second, 40)
    finished_run(scenario1, first, 70)
    finished_run(scenario1, first, 90, number=2)
    finished_run(scenario2, first, 74)
    finished_run(scenario1, second, 50)
    competent = make_decision(trainee=first, assessor=assessor, unit=course.unit, course=course)
    certificate_for(competent)
    make_decision(
        trainee=second,
        assessor=assessor,
        unit=course.unit,
        course=course,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
    )
    return {
        "module": module,
        "course": course,
        "quizzes": (quiz1, quiz2),
        "scenarios": (scenario1, scenario2),
        "assessor": assessor,
        "cohort": cohort,
        "trainees": (first, second, third),
    }


# --- who sees it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer", "assessor"])
def test_the_wagtail_report_is_refused(client_as, gradebook, role):
    client, _user = client_as(role)
    for name in (ADMIN_URL, "progress_report:results"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"] or response["Location"] == "/admin/"
        assert "甲學員" not in response.content.decode()
    assert client.get(url(), {"export": "csv"}).status_code == 302


def test_admin_sees_every_column(client_as, gradebook):
    client, _ = client_as("admin")
    html = client.get(url()).content.decode()
    for text in ("甲學員", "乙學員", "丙學員", "LA-2026-000123", "適任", "尚未適任"):
        assert text in html
    assert "通過 2／2" in html  # quizzes passed by 甲
    assert "／13 項指標" in html  # indicators of the unit


def test_training_manager_sees_completion_and_certificates_never_assessments(gradebook):
    client = login(make_training_manager())
    response = client.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("甲學員", "乙學員", "丙學員", "LA-2026-000123", "通過 2／2"):
        assert text in html
    assert "尚未適任" not in html  # no decisions
    assert "證據" not in html and "項指標" not in html  # no evidence column
    assert 'name="decision"' not in html  # and no decision filter
    rows = csv_rows(client.get(url(), {"export": "csv"}))
    heading = rows[0]
    assert "證書編號" in heading
    assert not {"評量決定", "評量決定狀態", "證據充分的指標"} & set(heading)
    flat = " ".join(" ".join(row) for row in rows)
    assert "尚未適任" not in flat
    # A decision filter or ordering in the URL changes nothing for them.
    html = client.get(url(), {"decision": "not_yet_competent", "ordering": "decision"})
    assert "丙學員" in html.content.decode()


def test_reports_menu_offers_it_to_admins_and_training_managers(client_as, role_groups):
    for user, shown in (
        (client_as("trainer")[1], False),
        (client_as("admin")[1], True),
        (make_training_manager(), True),
    ):
        html = login(user).get("/admin/").content.decode()
        assert (url() in html) is shown


@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer"])
def test_assess_progress_refused(client_as, gradebook, role):
    client, _user = client_as(role)
    response = client.get(url(ASSESS_URL))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
        assert "甲學員" not in response.content.decode()


def test_training_manager_has_no_assessor_page(gradebook):
    assert login(make_training_manager()).get(url(ASSESS_URL)).status_code == 403


def test_assessor_sees_only_their_trainees_with_every_column(gradebook):
    assessor = gradebook["assessor"]
    AssessorAssignment.objects.create(assessor=assessor, cohort=gradebook["cohort"])
    client = login(assessor)
    html = client.get(url(ASSESS_URL)).content.decode()
    assert "甲學員" in html and "乙學員" in html
    assert "丙學員" not in html  # another cohort: out of scope
    for text in ("尚未適任", "LA-2026-000123", "／13 項指標"):
        assert text in html
    rows = csv_rows(client.get(url(ASSESS_URL), {"export": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == ["乙學員", "甲學員"]
    assert "評量決定" in rows[0]
    book = openpyxl.load_workbook(io.BytesIO(body(client.get(url(ASSESS_URL), {"export": "xlsx"}))))
    assert sorted(row[0] for row in list(book.active.values)[1:]) == ["乙學員", "甲學員"]
    # Filters cannot reach beyond the scope.
    html = client.get(url(ASSESS_URL), {"q": "丙學員"}).content.decode()
    assert "丙學員" not in html.split("progress-filters")[-1].split("</form>")[-1]


def test_assessor_filters_offer_only_what_is_in_scope(gradebook):
    """The cohort list names the assessor's cohort, not another team's; the admin's names
    both. A cohort out of scope asked for by hand shows no one."""
    assessor = gradebook["assessor"]
    AssessorAssignment.objects.create(assessor=assessor, cohort=gradebook["cohort"])
    page = login(assessor).get(url(ASSESS_URL))
    cohort_field = page.context["filters"].form.fields["cohort"]
    assert [c.code for c in cohort_field.queryset] == ["2026-q4"]
    assert [c.pk for c in page.context["filters"].form.fields["course"].queryset] == [
        gradebook["course"].pk
    ]
    other = Cohort.objects.get(code="2027-q1")
    html = login(assessor).get(url(ASSESS_URL), {"cohort": other.pk}).content.decode()
    assert "丙學員" not in html and "第一季梯次" not in html
    admin_page = login(make_admin()).get(url(ASSESS_URL))
    codes = [c.code for c in admin_page.context["filters"].form.fields["cohort"].queryset]
    assert codes == ["2026-q4", "2027-q1"]


def test_assessor_without_assignments_sees_no_rows(gradebook):
    html = login(make_assessor()).get(url(ASSESS_URL)).content.decode()
    assert "甲學員" not in html and "progress-empty" in html


def test_admin_on_assess_progress_sees_everyone(client_as, gradebook):
    client, _ = client_as("admin")
    html = client.get(url(ASSESS_URL)).content.decode()
    assert "甲學員" in html and "丙學員" in html


# --- the gradebook columns ---------------------------------------------------------------


def test_course_chosen_one_column_per_quiz_and_scenario(client_as, gradebook):
    client, _ = client_as("admin")
    quiz1, quiz2 = gradebook["quizzes"]
    scenario1, scenario2 = gradebook["scenarios"]
    course = gradebook["course"]
    response = client.get(url(), {"course": course.pk, "export": "csv"})
    rows = csv_rows(response)
    heading = rows[0]
    for title in (quiz1.title, quiz2.title, scenario1.title, scenario2.title):
        assert title in heading
    by_name = {row[0]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    first, second, third = by_name["甲學員"], by_name["乙學員"], by_name["丙學員"]
    assert first[quiz1.title] == "85" and first[quiz2.title] == "90"
    assert second[quiz1.title] == "40" and second[quiz2.title] == ""
    assert first[scenario1.title] == "90" and first[scenario2.title] == "74"
    assert third[scenario1.title] == ""
    assert first["通過的測驗"] == "2" and second["通過的測驗"] == "0"
    assert first["情境演練平均分數（%）"] == "82"
    assert first["證書編號"] == "LA-2026-000123" and second["證書編號"] == ""
    assert first["評量決定"] == "適任" and second["評量決定"] == "尚未適任"
    assert third["評量決定狀態"] == "尚無評量決定"
    assert first["單元指標數"] == "13"
    html = client.get(url(), {"course": course.pk}).content.decode()
    assert quiz1.title in html and scenario2.title in html
    assert "85 %" in html and "progress-tag--bad" in html  # 40 % below the pass mark


def test_all_courses_summarise_quizzes_and_scenarios(client_as, gradebook):
    client, _ = client_as("admin")
    rows = csv_rows(client.get(url(), {"export": "csv"}))
    heading = rows[0]
    assert gradebook["quizzes"][0].title not in heading
    by_name = {row[0]: dict(zip(heading, row, strict=True)) for row in rows[1:]}
    assert by_name["甲學員"]["課程測驗數"] == "2"
    assert by_name["甲學員"]["完成的情境演練"] == "2"
    html = client.get(url()).content.decode()
    assert "通過 2／2" in html and "82 %" in html


def test_awaiting_moderation_and_appeal_are_named(client_as, gradebook):
    from assessments.models.appeals import Appeal

    client, _ = client_as("admin")
    _first, second, third = gradebook["trainees"]
    course = gradebook["course"]
    latest = make_decision(
        trainee=second,
        assessor=gradebook["assessor"],
        unit=course.unit,
        course=course,
        outcome=Decision.Outcome.NOT_YET_COMPETENT,
    )
    Appeal.objects.create(trainee=second, decision=latest, reason="我不同意。")
    Decision.objects.create(
        trainee=third,
        unit=course.unit,
        course=course,
        assessor=gradebook["assessor"],
        outcome=Decision.Outcome.COMPETENT,
        reasons="所有指標均有足夠證據。",
        assessed_on=datetime.date(2026, 11, 30),
        moderation_required=True,
    )
    rows = csv_rows(client.get(url(), {"export": "csv"}))
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["乙學員"]["評量決定狀態"] == "申訴中"
    assert by_name["丙學員"]["評量決定"] == "適任"
    assert by_name["丙學員"]["評量決定狀態"] == "待複核"
    assert by_name["丙學員"]["證書編號"] == ""
    html = client.get(url()).content.decode()
    assert "申訴中" in html and "待複核" in html


def test_evidence_column_is_the_competency_profile(client_as, gradebook):
    from assessments.selectors.profile import competency_profiles

    client, _ = client_as("admin")
    course = gradebook["course"]
    first, second, _third = gradebook["trainees"]
    profiles = competency_profiles(
        trainee_ids=[first.pk, second.pk], unit=course.unit, course=course
    )
    assert sum(row.met for row in profiles[first.pk].rows) == 1
    rows = csv_rows(client.get(url(), {"export": "csv"}))
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["甲學員"]["證據充分的指標"] == "1"
    assert by_name["乙學員"]["證據充分的指標"] == "0"
    assert "1／13 項指標" in client.get(url()).content.decode()


# --- filters, orderings, exports -----------------------------------------------------------


def test_filters_and_search(client_as, role_groups):
    client, _ = client_as("admin")
    first, second = make_module(), make_module()
    trainees(2, first, "甲")
    trainees(3, second, "乙")
    html = client.get(url(), {"course": second.course.pk}).content.decode()
    assert "乙000" in html and "甲000" not in html
    html = client.get(url(), {"q": "甲001"}).content.decode()
    assert "甲001" in html and "甲000" not in html and "乙000" not in html
    html = client.get(url(), {"decision": "none", "ordering": "name"}).content.decode()
    assert html.index("乙002") < html.index("甲000")  # 乙 U+4E59 before 甲 U+7532
    html = client.get(url(), {"decision": "none", "ordering": "-name"}).content.decode()
    assert html.index("甲000") < html.index("乙002")
    assert client.get(url(), {"course": "nonsense", "ordering": "bogus"}).status_code == 200
    assert (
        client.get(url(ASSESS_URL), {"course": "x", "ordering": "y", "p": "z"}).status_code == 200
    )


def test_cohort_filter_and_certificate_ordering(client_as, gradebook):
    client, _ = client_as("admin")
    html = client.get(url(), {"cohort": gradebook["cohort"].pk}).content.decode()
    assert "甲學員" in html and "乙學員" in html and "丙學員" not in html
    rows = csv_rows(client.get(url(), {"ordering": "-certificate", "export": "csv"}))
    assert rows[1][0] == "甲學員"


def test_csv_and_xlsx_contain_exactly_the_filtered_rows(client_as, role_groups):
    client, _ = client_as("admin")
    first, second = make_module(), make_module()
    trainees(2, first, "甲")
    trainees(3, second, "乙")
    response = client.get(url(), {"course": second.course.pk, "export": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = csv_rows(response)
    assert rows[0][:2] == ["姓名", "員工編號"]
    assert sorted(row[0] for row in rows[1:]) == ["乙000", "乙001", "乙002"]
    response = client.get(url(), {"course": first.course.pk, "export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    values = list(book.active.values)
    assert len(values) == 3
    assert values[0][0] == "姓名"
    assert sorted(row[0] for row in values[1:]) == ["甲000", "甲001"]


def test_export_neutralises_formulas(client_as, role_groups):
    client, _ = client_as("admin")
    trainees(1, make_module(), "=cmd|")
    assert csv_rows(client.get(url(), {"export": "csv"}))[1][0].startswith("'=")
    assert csv_rows(client.get(url(ASSESS_URL), {"export": "csv"}))[1][0].startswith("'=")


# --- queries flat in the number of trainees -----------------------------------------------


def _populate(size):
    module = make_module(make_unit_of_13())
    quiz = make_quiz(module)
    scenario = make_scenario(module, slug="counted")
    assessor = make_assessor()
    cohort = Cohort.objects.create(code=f"size-{size}", name=f"梯次 {size}")
    AssessorAssignment.objects.create(assessor=assessor, cohort=cohort)
    for i, trainee in enumerate(trainees(size, module, cohorts=[cohort])):
        graded(quiz, trainee, 50 + i % 50)
        finished_run(scenario, trainee, 40 + i % 60)
        if i % 3 == 0:
            decision = make_decision(
                trainee=trainee, assessor=assessor, unit=module.course.unit, course=module.course
            )
            certificate_for(decision, number=f"LA-{size:04d}-{i:06d}")
    return module, assessor


def _count(client, path, params=None):
    client.get(path, params or {})
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
        body(response)
    assert response.status_code == 200
    return len(context)


def _counts(size, admin):
    module, assessor = _populate(size)
    manager = make_training_manager()
    course = {"course": module.course.pk}
    return [
        _count(login(admin), url()),
        _count(login(admin), url(), {**course}),
        _count(login(admin), url(), {"export": "csv"}),
        _count(login(admin), url(), {**course, "export": "xlsx"}),
        _count(login(manager), url()),
        _count(login(manager), url(), {"export": "csv"}),
        _count(login(assessor), url(ASSESS_URL)),
        _count(login(assessor), url(ASSESS_URL), {**course, "export": "csv"}),
    ]


class _Measured(Exception):
    pass


def _measure(size, admin):
    """The counts at `size` trainees, everything created for them rolled back after."""
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()
    try:
        with transaction.atomic():
            raise _Measured(_counts(size, admin))
    except _Measured as measured:
        return measured.args[0]


def test_query_count_does_not_grow(admin_user):
    small = _measure(5, admin_user)
    large = _measure(60, admin_user)
    assert small == large, (small, large)
    print(f"\nprogress report queries (admin, course, CSV, XLSX, manager x2, assessor x2): {large}")
