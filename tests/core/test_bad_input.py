"""Bad input gets a clear answer, never a 500 (issue 11): ids beyond 64 bits in URLs,
autosave sequence numbers and revisions no column can hold, garbage in quiz answers and
id lists, protected snippets and pages, malformed rich text / StreamField JSON in the
Wagtail editor. Every check goes through HTTP with the real test client, which re-raises
any exception a view lets through (a 500 fails the test with its traceback)."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import translation
from wagtail.models import Page
from wagtail.users.models import UserProfile

from assessments.models.certificates import BulkIssueJob
from assessments.models.evidence import EvidenceRecord
from assessments.services.evidence import observation_draft_start
from content.models.questions import Question
from content.pages.course import CourseIndexPage
from core.converters import IdConverter
from core.forms import ReadableInputMixin
from core.numbers import MAX_BIGINT, MAX_INT, bounded_int
from people.models import Cohort, Store
from tests.factories.certificates import make_decision
from tests.factories.learning import course_index, lessons_of, make_learning_course
from tests.factories.people import make_trainee
from tests.factories.quizzes import answer_data, quiz_setup
from tests.factories.scenarios import enrol, make_module, make_scenario
from tests.factories.workspace import workspace_build
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.models.scenario_runs import ScenarioRun
from training.services import quizzes as quiz_services

pytestmark = pytest.mark.django_db

OUR_APPS = ("people", "content", "training", "assessments", "core", "config", "demo")
TOO_BIG = (2**63, 2**64, 10**30)  # 19 digits above the bigint range, 20 digits, 31 digits


@pytest.fixture(autouse=True)
def _default_language():
    """reverse() follows the active language, which a request under /en/ leaves behind."""
    with translation.override("zh-hant"):
        yield


def _client(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:  # the Wagtail admin follows the user's preferred admin language
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    return client


def _shown(html: str, text: str) -> bool:
    """On the page as HTML, or in the JSON Wagtail's editor scripts render from."""
    return text in html or json.dumps(text)[1:-1] in html


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        (" 42 ", 42),
        ("+7", 7),
        (7, 7),
        (str(MAX_BIGINT), MAX_BIGINT),
        (str(MAX_BIGINT + 1), None),
        (str(2**64), None),
        ("9" * 5000, None),  # int() itself would refuse it, after parsing 5000 digits
        ("-1", None),
        ("1_000", None),
        ("1e3", None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
        (1.0, None),
        (float("inf"), None),
        ([1], None),
    ],
)
def test_bounded_int(value, expected):
    assert bounded_int(value) == expected


def test_bounded_int_limits():
    assert bounded_int("5", maximum=4) is None
    assert bounded_int("-5", minimum=-5) == -5
    assert bounded_int(str(MAX_INT), maximum=MAX_INT) == MAX_INT
    assert bounded_int(str(MAX_INT + 1), maximum=MAX_INT) is None


def test_id_converter_bounds():
    converter = IdConverter()
    assert re.fullmatch(converter.regex, str(MAX_BIGINT))
    assert not re.fullmatch(converter.regex, str(2**64))  # 20 digits
    assert converter.to_python(str(MAX_BIGINT)) == MAX_BIGINT
    with pytest.raises(ValueError):
        converter.to_python(str(2**63))  # 19 digits, one above the range
    assert converter.to_url(5) == "5"
    with pytest.raises(ValueError):
        converter.to_url(2**63)


# --- ids in URLs ---------------------------------------------------------------------------------


def _walk(patterns, prefix=(), namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, (*prefix, entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry.pattern), ":".join((*namespaces, entry.name or "")), entry


def _converters(pattern_chain) -> dict:
    found = {}
    for pattern in pattern_chain:
        found.update(getattr(pattern, "converters", {}))
    return found


def _ours(entry: URLPattern) -> bool:
    view = getattr(entry.callback, "view_class", None) or entry.callback
    return getattr(view, "__module__", "").split(".")[0] in OUR_APPS


def id_routes() -> list[tuple[str, tuple]]:
    """Every URL pattern with a number in it that is ours: our URL modules, and routes our
    Wagtail hooks and viewsets add to the admin."""
    routes = []
    for chain, name, entry in _walk(get_resolver().url_patterns):
        converters = _converters(chain)
        numeric = [c for c in converters.values() if isinstance(c, (IdConverter, IntConverter))]
        if numeric and (_ours(entry) or any(isinstance(c, IdConverter) for c in numeric)):
            routes.append((name, chain))
    return routes


def test_our_url_modules_use_the_bounded_id_converter():
    """`<int:...>` lets a 20-digit id reach the database; ours must use `<id:...>`. (Wagtail's
    own snippet routes may use <int:...> and answer 404 themselves: checked below.)"""
    offenders = []
    for chain, name, entry in _walk(get_resolver().url_patterns):
        route = "".join(str(p) for p in chain)
        if "<int:" in route and _ours(entry) and not name.startswith("wagtailsnippets_"):
            offenders.append(f"{name}: {route}")
    assert offenders == []
    assert len(id_routes()) > 40  # the walk found the routes (learn/, assess/, admin/)


def _url(chain, number: int) -> str:
    parts = []
    for pattern in chain:
        route = str(pattern)
        if route.startswith("^"):  # a regex prefix on the way: none of ours has one
            raise AssertionError(f"unexpected regex pattern {route!r}")
        parts.append(route)

    def fill(match):
        kind = match.group(1) or "str"
        return str(number) if kind in ("id", "int") else "x"

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, "".join(parts))


ROLE_BY_NAMESPACE = {"training": "trainee", "assessments": "assessor"}
ROLE_BY_NAME = {
    "training:manage_course": "trainer",
    "training:manage_enrol_cohort": "trainer",
    "training:manage_enrol_trainees": "trainer",
    "training:marking_mark": "assessor",
    "assessments:my_appeal": "trainee",
    "assessments:assignment_remove": "admin",
}


# Old addresses kept as redirects to where the view now lives (marking moved to /assess/).
REDIRECT_ALIASES = {"training:marking_mark"}


def _authorised(name: str) -> str:
    if name.startswith("assessments:certificate") or name.startswith("assessments:appeal"):
        return "admin"
    return ROLE_BY_NAME.get(name) or ROLE_BY_NAMESPACE.get(name.split(":")[0], "admin")


@pytest.mark.parametrize(("name", "chain"), id_routes(), ids=[n for n, _c in id_routes()])
def test_ids_beyond_64_bits_are_404(client_as, name, chain):
    """Hit every numbered route with ids no database can hold, as a user allowed to use it,
    in both languages: 404, never a 500 (a new route cannot regress)."""
    client, _user = client_as(_authorised(name))
    languages = ("zh-hant", "en") if not str(chain[0]).startswith("admin/") else ("zh-hant",)
    for language in languages:
        for number in TOO_BIG:
            with translation.override(language):
                url = _url(chain, number)
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
    # The largest id that matches reaches the view, which must not crash either.
    with translation.override("zh-hant"):
        url = _url(chain, MAX_BIGINT)
    follow = name in REDIRECT_ALIASES  # an old address: its target must not crash either
    for response in (client.get(url, follow=follow), client.post(url, follow=follow)):
        assert response.status_code in (404, 405), url  # 405: the view takes the other method


@pytest.mark.parametrize(
    "url",
    [
        "/learn/quiz/{n}/",
        "/learn/scenarios/{n}/",
        "/learn/manage/{n}/",
        "/admin/item-analysis/{n}/",
        "/admin/scenarios/{n}/graph/",
    ],
)
def test_the_reported_examples_are_404(client_as, url):
    role = "trainer" if "manage" in url else "trainee" if url.startswith("/learn/") else "admin"
    client, _user = client_as(role)
    assert client.get(url.format(n=2**64)).status_code == 404
    assert client.get(url.format(n=2**63)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{n}/",
        "/admin/pages/{n}/edit/",
        "/admin/pages/{n}/delete/",
        "/admin/snippets/people/store/edit/{n}/",
        "/admin/snippets/content/question/edit/{n}/",
        "/admin/users/edit/{n}/",
        "/admin/users/delete/{n}/",
        "/{n}/",
        "/courses/{n}/",
        "/en/courses/{n}/",
    ],
)
def test_wagtail_routes_with_huge_ids_or_slugs_are_404(admin_client_, url):
    """Wagtail's own admin routes and the page tree (served by slug) stay 404."""
    for number in TOO_BIG:
        assert admin_client_.get(url.format(n=number)).status_code == 404


# --- autosave sequence numbers and revisions ---------------------------------------------------

BAD_NUMBERS = [str(2**64), str(2**63), str(MAX_INT + 1), "-1", "abc", "1e3", ""]


@pytest.fixture
def attempt(trainee):
    quiz, _questions = quiz_setup(trainee)
    return quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee)


@pytest.mark.parametrize("seq", BAD_NUMBERS)
def test_quiz_autosave_with_a_bad_sequence_is_400(trainee_client, attempt, seq):
    url = reverse("training:quiz_save", args=[attempt.pk])
    response = trainee_client.post(
        url, answer_data(attempt, seq=0) | {"seq": seq}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False and body["reason"] == "invalid"
    assert body["message"] == "無法讀取這些答案。請重新載入頁面後再試一次。"
    attempt.refresh_from_db()
    assert attempt.sequence == 0 and attempt.state == QuizAttempt.State.IN_PROGRESS
    assert not attempt.responses.exclude(answer=None).exists()

    with translation.override("en"):
        en_url = reverse("training:quiz_save", args=[attempt.pk])
    assert en_url.startswith("/en/")
    response = trainee_client.post(en_url, {"seq": seq}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "These answers could not be read. Reload the page and try again."
    )


def test_quiz_save_check_and_submit_forms_with_a_bad_sequence_say_so(trainee_client, attempt):
    data = answer_data(attempt) | {"seq": str(2**64)}
    for name, args in (
        ("training:quiz_save", [attempt.pk]),
        ("training:quiz_check", [attempt.pk, 1]),
        ("training:quiz_submit", [attempt.pk]),
    ):
        response = trainee_client.post(reverse(name, args=args), data, follow=True)
        assert response.status_code == 200, name
        assert "無法讀取這些答案。請重新載入頁面後再試一次。" in response.content.decode(), name
    attempt.refresh_from_db()
    assert attempt.sequence == 0 and attempt.state == QuizAttempt.State.IN_PROGRESS


def test_another_trainees_attempt_stays_404_with_a_bad_sequence(other_trainee_client, attempt):
    response = other_trainee_client.post(
        reverse("training:quiz_save", args=[attempt.pk]),
        {"seq": "abc"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 404


def test_largest_storable_sequence_is_accepted(trainee_client, attempt):
    response = trainee_client.post(
        reverse("training:quiz_save", args=[attempt.pk]),
        answer_data(attempt, seq=MAX_INT),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200 and response.json()["seq"] == MAX_INT


def test_garbage_quiz_answers_count_as_unanswered(trainee_client, attempt):
    """Choices are posted as positions: huge, negative or non-numeric ones are no answer."""
    responses = list(attempt.responses.select_related("question").order_by("slot"))
    for garbage in (str(2**64), str(MAX_BIGINT), "-1", "abc", "1_0"):
        data = {"seq": str(attempt.sequence + 1)}
        for response in responses:
            name = f"q{response.slot}"
            data[name] = garbage
            for index in range(len(response.option_order or [])):
                data[f"{name}-{index}"] = garbage
        result = trainee_client.post(
            reverse("training:quiz_save", args=[attempt.pk]), data, HTTP_X_REQUESTED_WITH="fetch"
        )
        assert result.status_code == 200 and result.json()["saved"] is True
        attempt.refresh_from_db()
        by_type = {
            r.question.qtype: r.answer
            for r in QuizResponse.objects.filter(attempt=attempt).select_related("question")
        }
        for qtype in ("single", "matching", "ordering", "true_false"):
            assert by_type[qtype] is None, (garbage, qtype)
        assert by_type["multiple"] in (None, [])


@pytest.fixture
def scenario_run(trainee, trainee_client):
    module = make_module()
    scenario = make_scenario(module)
    enrol(trainee, module)
    assert trainee_client.post(reverse("training:scenario_begin", args=[scenario.pk])).status_code
    return ScenarioRun.objects.get(scenario=scenario, trainee=trainee)


@pytest.mark.parametrize("seq", BAD_NUMBERS)
def test_scenario_move_with_a_bad_sequence_is_refused_with_a_message(
    trainee_client, scenario_run, seq
):
    """Scenario moves are plain form posts: refused, back on the run with the reason."""
    choice = scenario_run.scenario.specific.choices.filter(from_key="start").first()
    before = (scenario_run.seq, scenario_run.current_step_key)
    for name, data in (
        ("training:scenario_choose", {"seq": seq, "choice": choice.pk}),
        ("training:scenario_back", {"seq": seq}),
    ):
        response = trainee_client.post(reverse(name, args=[scenario_run.pk]), data, follow=True)
        assert response.status_code == 200
        assert "表單不完整。以下是你目前的進度。" in _messages(response)
    scenario_run.refresh_from_db()
    assert (scenario_run.seq, scenario_run.current_step_key) == before
    with translation.override("en"):
        url = reverse("training:scenario_choose", args=[scenario_run.pk])
    response = trainee_client.post(url, {"seq": seq, "choice": choice.pk}, follow=True)
    assert "The form was incomplete. Here is where your run stands now." in _messages(response)


def test_scenario_choice_beyond_64_bits_is_not_offered(trainee_client, scenario_run):
    response = trainee_client.post(
        reverse("training:scenario_choose", args=[scenario_run.pk]),
        {"seq": scenario_run.seq, "choice": str(2**64)},
        follow=True,
    )
    assert response.status_code == 200
    assert "請從提供的回答中選擇一個。" in _messages(response)


@pytest.fixture
def draft(trainee, other_trainee, assessor):
    ws = workspace_build(assessor=assessor, trainees=[trainee, other_trainee])
    return observation_draft_start(
        assessor=assessor, trainee=trainee, unit=ws.unit, kind="observation", context="till"
    )


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"revision": 2**64, "data": {}}),
        json.dumps({"revision": 2**63, "data": {}}),
        json.dumps({"revision": MAX_INT + 1, "data": {}}),  # PositiveIntegerField
        json.dumps({"revision": -1, "data": {}}),
        json.dumps({"revision": "abc", "data": {}}),
        json.dumps({"revision": True, "data": {}}),
        '{"revision": 1e400, "data": {}}',  # float("inf"): int() raised OverflowError
        json.dumps({"revision": 1, "data": [1]}),
        json.dumps([1, 2]),
        "{not json",
        "[" * 100_000,  # deeper than the JSON parser goes: RecursionError
    ],
    ids=[
        "2**64",
        "2**63",
        "2**31",
        "negative",
        "text",
        "bool",
        "inf",
        "data-list",
        "list",
        "malformed",
        "deep",
    ],
)
def test_observation_autosave_with_a_bad_revision_is_400(assessor_client, draft, body):
    url = reverse("assessments:observation_autosave", args=[draft.pk])
    response = assessor_client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "無法讀取草稿。"}
    draft.refresh_from_db()
    assert draft.revision == 0 and draft.data in (None, {})
    with translation.override("en"):
        en_url = reverse("assessments:observation_autosave", args=[draft.pk])
    response = assessor_client.post(en_url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The draft could not be read."


def test_observation_autosave_at_the_largest_revision_then_stale_is_409(assessor_client, draft):
    url = reverse("assessments:observation_autosave", args=[draft.pk])
    ok = assessor_client.post(
        url, json.dumps({"revision": MAX_INT, "data": {}}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["revision"] == MAX_INT
    stale = assessor_client.post(
        url, json.dumps({"revision": 1, "data": {}}), content_type="application/json"
    )
    assert stale.status_code == 409


def test_lesson_position_beyond_64_bits_is_400(trainee, trainee_client):
    course = make_learning_course()
    from training.services.enrolment import enrolment_create

    enrolment_create(trainee=trainee, course=course)
    lesson = lessons_of(course)[0]
    response = trainee_client.post(
        reverse("training:lesson_position", args=[lesson.pk]), {"position": str(2**64)}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "位置必須是整數。"


# --- id lists in forms ------------------------------------------------------------------------


def test_enrolling_a_trainee_id_beyond_64_bits_is_a_form_error(trainer_client):
    course = make_learning_course()
    for value in (str(2**64), str(MAX_BIGINT), "abc"):
        response = trainer_client.post(
            reverse("training:manage_enrol_trainees", args=[course.pk]), {"trainees": [value]}
        )
        assert response.status_code == 400, value
        assert "請從清單中選擇學員。" in response.content.decode(), value


def test_feedback_and_oral_questions_with_huge_ids_are_form_errors(assessor_client, draft):
    huge = str(2**64)
    for url, field in (
        (reverse("assessments:customer_feedback", args=[draft.trainee_id]), "indicators"),
        (reverse("assessments:oral_questions"), "competency_items"),
    ):
        response = assessor_client.post(url, {field: [huge], "indicator": huge, "text": "題目"})
        assert response.status_code == 200, url
        assert response.context["form"].errors[field] == [f"“{huge}” 不是一個有效的值。"], url
    assert EvidenceRecord.objects.filter(trainee_id=draft.trainee_id).count() == 0


def test_wagtail_admin_many_to_many_ids_beyond_64_bits_are_form_errors(admin_client_):
    """Snippet and page forms get our bounded field for every many-to-many field."""
    huge = str(2**64)
    person = make_trainee()
    response = admin_client_.post(
        reverse("wagtailsnippets_people_profile:edit", args=[person.profile.pk]),
        {"full_name": "改名", "cohorts": [huge]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cohorts"] == [f"“{huge}” 不是一個有效的值。"]
    response = admin_client_.post(
        reverse("wagtailsnippets_content_question:add"), {"text": "題目", "indicators": [huge]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["indicators"] == [f"“{huge}” 不是一個有效的值。"]
    person.profile.refresh_from_db()
    assert person.profile.full_name != "改名"


def test_bulk_issue_with_a_decision_id_beyond_64_bits_is_refused(admin_client_):
    from tests.factories.certificates import make_unit

    cohort = Cohort.objects.create(code="bulk-q4", name="批次梯次")
    unit = make_unit()
    response = admin_client_.post(
        reverse("assessments:certificate_bulk"),
        {"cohort": cohort.pk, "unit": unit.pk, "decisions": [str(2**64)]},
    )
    assert response.status_code == 400
    assert "請至少選擇一項評量決定。" in _messages(response) + response.content.decode()
    assert not BulkIssueJob.objects.exists()


# --- protected snippets and pages --------------------------------------------------------------


def test_deleting_a_store_that_profiles_use_is_refused(admin_user, admin_client_):
    store = Store.objects.create(code="xinyi", name="台北信義店")
    people = [make_trainee(), make_trainee()]
    for person in people:
        person.profile.store = store
        person.profile.save()
    url = reverse("wagtailsnippets_people_store:delete", args=[store.pk])
    confirmation = admin_client_.get(url)  # Wagtail's page, with the refusal above it
    deletion = admin_client_.post(url, follow=True)
    assert deletion.redirect_chain == [(reverse("wagtailsnippets_people_store:list"), 302)]
    for response in (confirmation, deletion):
        assert response.status_code == 200
        text = _messages(response)
        assert "無法刪除「台北信義店」：有必須保留的紀錄指向它：個人資料（2）。" in text
    assert Store.objects.filter(pk=store.pk).exists()

    english = _client(admin_user, "en")
    response = english.post(url, follow=True)
    assert (
        "“台北信義店” cannot be deleted: records that must be kept refer to it: Profiles (2)."
        in _messages(response)
    )


def test_bulk_deleting_snippets_refuses_the_protected_and_deletes_nothing(admin_client_):
    used = Store.objects.create(code="used", name="使用中門市")
    free = Store.objects.create(code="free", name="空門市")
    person = make_trainee()
    person.profile.store = used
    person.profile.save()
    url = (
        reverse("wagtail_bulk_action", args=("people", "store", "delete"))
        + f"?id={used.pk}&id={free.pk}"
    )
    response = admin_client_.post(url, follow=True)
    assert response.status_code == 200
    assert "無法刪除「使用中門市」" in _messages(response)
    assert Store.objects.filter(pk__in=[used.pk, free.pk]).count() == 2


def test_deleting_an_unused_store_still_works(admin_client_):
    store = Store.objects.create(code="empty", name="空門市")
    response = admin_client_.post(reverse("wagtailsnippets_people_store:delete", args=[store.pk]))
    assert response.status_code == 302
    assert not Store.objects.filter(pk=store.pk).exists()


def test_deleting_a_question_with_answers_is_refused(trainee, attempt, admin_client_):
    question = attempt.responses.first().question
    url = reverse("wagtailsnippets_content_question:delete", args=[question.pk])
    response = admin_client_.post(url, follow=True)
    assert response.status_code == 200
    assert (
        _messages(response)
        == f"無法刪除「{question}」：有必須保留的紀錄指向它：測驗答案（1）、測驗題目（1）、題目版本（1）。"
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_deleting_a_cohort_used_by_a_bulk_job_is_refused(admin_user, admin_client_):
    from tests.factories.certificates import make_unit

    cohort = Cohort.objects.create(code="job-q4", name="發證梯次")
    BulkIssueJob.objects.create(created_by=admin_user, cohort=cohort, unit=make_unit())
    response = admin_client_.post(
        reverse("wagtailsnippets_people_cohort:delete", args=[cohort.pk]), follow=True
    )
    assert "無法刪除「發證梯次」：有必須保留的紀錄指向它：批次發證工作（1）。" in _messages(
        response
    )
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_deleting_a_course_page_with_decisions_is_refused(admin_user, admin_client_, assessor):
    from tests.factories.certificates import make_course, make_unit

    unit = make_unit()
    course = make_course(unit)
    make_decision(trainee=make_trainee(), assessor=assessor, unit=unit, course=course)
    url = reverse("wagtailadmin_pages:delete", args=[course.pk])
    confirmation = admin_client_.get(url)
    deletion = admin_client_.post(url, follow=True)
    assert deletion.redirect_chain == [(reverse("wagtailadmin_pages:edit", args=[course.pk]), 302)]
    for response in (confirmation, deletion):
        assert response.status_code == 200
        assert f"無法刪除頁面「{course.title}」" in _messages(response)
        assert "評量決定（1）" in _messages(response)
    assert Page.objects.filter(pk=course.pk).exists()
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    listing = reverse("wagtailadmin_explore", args=[course.get_parent().pk])
    for query in (f"&next={listing}", ""):
        response = admin_client_.post(
            f"{bulk}?id={course.pk}&childOf={course.get_parent().pk}{query}", follow=True
        )
        assert response.status_code == 200
        assert f"無法刪除頁面「{course.title}」" in _messages(response)
        assert Page.objects.filter(pk=course.pk).exists()


# --- malformed JSON in the Wagtail editor ------------------------------------------------------

UNREADABLE_ZH = "無法讀取此內容，因此未儲存。以下顯示最後儲存的版本，請重新修改。"
UNREADABLE_EN = (
    "This content could not be read, so nothing was saved. The last saved version is "
    "shown: make your changes again."
)


def test_every_page_type_of_ours_reports_unreadable_input_as_a_form_error():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {model for model in subclasses(Page) if model._meta.app_label in OUR_APPS}
    assert CourseIndexPage in ours
    for model in ours:
        assert issubclass(model.base_form_class, ReadableInputMixin), model


@pytest.mark.parametrize("intro", ["{not json", "[]", '{"blocks": 5}', "[" * 100_000])
def test_malformed_rich_text_json_is_a_form_error(admin_user, admin_client_, intro):
    index = course_index()
    index.intro = "<p>已儲存的介紹</p>"
    index.save_revision().publish()
    revisions = index.revisions.count()
    url = reverse("wagtailadmin_pages:edit", args=[index.pk])
    response = admin_client_.post(url, {"title": "改過的標題", "slug": index.slug, "intro": intro})
    assert response.status_code == 200
    assert response.context["form"].errors["intro"] == [UNREADABLE_ZH]
    assert _shown(response.content.decode(), UNREADABLE_ZH)
    assert _shown(response.content.decode(), "已儲存的介紹")  # the editor shows what was saved
    index.refresh_from_db()
    assert index.title != "改過的標題" and index.revisions.count() == revisions

    response = _client(admin_user, "en").post(
        url, {"title": "改過的標題", "slug": index.slug, "intro": intro}
    )
    assert response.status_code == 200 and _shown(response.content.decode(), UNREADABLE_EN)


STREAM_GARBAGE = {
    "rich-text-json": {
        "body-count": "1",
        "body-0-type": "rich_text",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-value": "{bad",
    },
    "count-not-a-number": {"body-count": "x"},
    "count-beyond-the-blocks": {"body-count": "5"},
    "count-beyond-64-bits": {"body-count": str(2**64)},
    "order-not-a-number": {
        "body-count": "1",
        "body-0-type": "heading",
        "body-0-deleted": "",
        "body-0-order": "x",
        "body-0-value-text": "標題",
    },
}


@pytest.mark.parametrize("garbage", STREAM_GARBAGE.values(), ids=STREAM_GARBAGE.keys())
def test_malformed_streamfield_data_is_a_form_error(admin_client_, garbage):
    course = make_learning_course()
    lesson = lessons_of(course)[0]
    revisions = lesson.revisions.count()
    data = {"title": "改過的課", "slug": lesson.slug, **garbage}
    response = admin_client_.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [UNREADABLE_ZH]
    assert _shown(response.content.decode(), UNREADABLE_ZH)
    lesson.refresh_from_db()
    assert lesson.title != "改過的課" and lesson.revisions.count() == revisions

    # Creating a page and previewing it go through the same form.
    parent = lesson.get_parent()
    before = Page.objects.count()
    add_url = reverse("wagtailadmin_pages:add", args=["content", "lessonpage", parent.pk])
    response = admin_client_.post(add_url, {**data, "slug": "brand-new"})
    assert response.status_code == 200 and _shown(response.content.decode(), UNREADABLE_ZH)
    assert Page.objects.count() == before
    preview = admin_client_.post(
        reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk]), data
    )
    assert preview.status_code == 200 and preview.json()["is_valid"] is False
