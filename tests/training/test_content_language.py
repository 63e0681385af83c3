"""Course content is written in Traditional Chinese: under the English interface a lesson
marks its title, summary and body `lang="zh-hant"` (Chinese glyphs, a Chinese screen-reader
voice) and says the content is in Chinese; under zh-Hant there is nothing to say. So do the
course, module, quiz (taking, review) and scenario (brief, step, end) pages, the course
outline beside a lesson and the /learn/ dashboard's titles."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from content.pages.course import ModulePage
from content.pages.scenario import ScenarioChoice
from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.quizzes import FormData, answer_data, make_question, quiz_setup
from tests.factories.scenarios import enrol, make_scenario
from tests.factories.scenarios import make_module as make_scenario_module
from training.services import quizzes as quiz_services
from training.services import scenarios as scenario_services
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(role_groups, trainee):
    course = make_learning_course(modules=1, lessons_per_module=1)
    enrolment_create(trainee=trainee, course=course)
    return lessons_of(course)[0]


def test_under_english_the_chinese_content_says_its_language(client_as, lesson):
    client, _user = client_as("trainee")
    html = client.get("/en" + lesson.url).content.decode()
    assert '<html lang="en"' in html
    assert re.search(r'<h1 class="h3" lang="zh-hant">', html, re.I)
    assert re.search(r'class="lesson-body" lang="zh-hant"', html, re.I)
    assert 'data-testid="content-language-note"' in html
    assert "The course content is in Traditional Chinese." in html


def test_under_zh_hant_there_is_no_note(client_as, lesson):
    client, _user = client_as("trainee")
    with translation.override("zh-hant"):  # the page's URL without the /en/ prefix
        url = lesson.url
    html = client.get(url).content.decode()
    assert '<html lang="zh-Hant"' in html
    assert 'data-testid="content-language-note"' not in html
    assert re.search(r'class="lesson-body" lang="zh-hant"', html, re.I)


# --- Every page a learner reads course content on (issue 16) ----------------------------
# Each case builds one page for the enrolled trainee and returns its path (without the
# language prefix), the Chinese texts the page shows (every one of them must sit inside an
# element marked lang="zh-hant", wherever on the page it appears) and whether the page
# carries the note (the dashboard has none: it only lists titles).


def _langs_of(html: str, text: str) -> set[str]:
    """The language every occurrence of `text` in the page's body is marked with (its
    nearest ancestor's lang)."""
    body = BeautifulSoup(html, "html.parser").body
    nodes = body.find_all(string=lambda s: text in s)
    assert nodes, f"{text!r} is not on the page"
    return {node.find_parent(attrs={"lang": True})["lang"].lower() for node in nodes}


def _path(name, *args) -> str:
    with translation.override("zh-hant"):  # the address without the /en/ prefix
        return reverse(name, args=args)


def _page_path(page) -> str:
    with translation.override("zh-hant"):
        return page.url


def _learning_course(trainee):
    course = make_learning_course(modules=1, lessons_per_module=1, description="<p>課程說明</p>")
    enrolment_create(trainee=trainee, course=course)
    module = ModulePage.objects.child_of(course).get()
    return course, module, lessons_of(course)[0]


def _course_case(trainee):
    course, module, lesson = _learning_course(trainee)
    return (
        _page_path(course),
        [course.title, "課程說明", module.title, lesson.title, "測試單元"],
        True,
    )


def _module_case(trainee):
    course, module, lesson = _learning_course(trainee)
    return _page_path(module), [module.title, "介紹", course.title, lesson.title], True


def _lesson_outline_case(trainee):
    course, module, lesson = _learning_course(trainee)
    texts = [
        lesson.title,
        "摘要",
        "忠誠度方案是一套回饋重複消費的機制。",
        course.title,
        module.title,
    ]
    return _page_path(lesson), texts, True


def _dashboard_case(trainee):
    course, module, lesson = _learning_course(trainee)
    return (
        _path("training:dashboard"),
        [course.title, module.title, lesson.title, "指標 1.1"],
        False,
    )


def _quiz(trainee, **fields):
    quiz, questions = quiz_setup(trainee, types=("single", "matching", "ordering"), **fields)
    return quiz, {q.qtype: q for q in questions}


def _quiz_case(trainee):
    quiz, _questions = _quiz(trainee, intro="<p>測驗說明</p>")
    return _path("training:quiz", quiz.pk), [quiz.title, "測驗說明", quiz.get_parent().title], True


def _attempt_case(trainee):
    quiz, questions = _quiz(trainee)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee)
    texts = [quiz.title, questions["single"].text, "正確選項", "錯誤甲", "左一", "右一", "第一步"]
    return _path("training:quiz_attempt", attempt.pk), texts, True


def _result_case(trainee):
    quiz, questions = _quiz(trainee)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee)
    data = FormData(answer_data(attempt, correct=False))
    quiz_services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    single = questions["single"]
    texts = [quiz.title, single.text, "正確選項", single.feedback, "左一", "第一步"]
    return _path("training:quiz_result", attempt.pk), texts, True


def _scenario(trainee):
    module = make_scenario_module()
    enrol(trainee, module)
    return make_scenario(module)


def _scenario_start_case(trainee):
    scenario = _scenario(trainee)
    texts = [scenario.title, "陳先生", "點數不見", "生氣", "補點數", "門市人員", "處理客訴"]
    return _path("training:scenario_start", scenario.pk), texts, True


def _scenario_step_case(trainee):
    scenario = _scenario(trainee)
    run, _created = scenario_services.scenario_run_start(trainee=trainee, scenario=scenario)
    choice = ScenarioChoice.objects.get(page=scenario, from_key="start", to_key="good")
    scenario_services.scenario_run_choose(
        run_id=run.pk, trainee=trainee, seq=run.seq, choice_id=choice.pk
    )
    # The feedback on the choice just made (quoted in "You said: …"), the step, its choices.
    texts = [scenario.title, choice.text, "先傾聽並道歉。", "那你能怎麼處理？", "顧客"]
    texts += ["我查明細並在權限內補登點數。", "我直接退您全額。"]
    return _path("training:scenario_run", run.pk), texts, True


def _scenario_end_case(trainee):
    scenario = _scenario(trainee)
    run, _created = scenario_services.scenario_run_start(trainee=trainee, scenario=scenario)
    for from_key, to_key in (("start", "bad"), ("bad", "end-poor")):
        run.refresh_from_db()
        choice = ScenarioChoice.objects.get(page=scenario, from_key=from_key, to_key=to_key)
        scenario_services.scenario_run_choose(
            run_id=run.pk, trainee=trainee, seq=run.seq, choice_id=choice.pk
        )
    # The ending, the indicator, the choice that lost points, the conversation, its feedback.
    texts = [scenario.title, "顧客生氣離開。", "失去顧客。", "指標 T2.1", "系統不會錯的。"]
    texts += ["我的點數怎麼少了？", "否定顧客會激怒對方。", "顧客"]
    return _path("training:scenario_run", run.pk), texts, True


CASES = {
    "course": _course_case,
    "module": _module_case,
    "lesson-outline": _lesson_outline_case,
    "dashboard": _dashboard_case,
    "quiz": _quiz_case,
    "quiz-take": _attempt_case,
    "quiz-review": _result_case,
    "scenario-start": _scenario_start_case,
    "scenario-step": _scenario_step_case,
    "scenario-end": _scenario_end_case,
}


@pytest.mark.parametrize("case", CASES)
def test_each_learner_page_marks_its_chinese_content_under_english(client_as, case):
    client, trainee = client_as("trainee")
    path, texts, has_note = CASES[case](trainee)
    response = client.get("/en" + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    for text in texts:
        assert _langs_of(html, text) == {"zh-hant"}, text
    assert html.count('data-testid="content-language-note"') == (1 if has_note else 0)
    if has_note:
        assert "The course content is in Traditional Chinese." in html


@pytest.mark.parametrize("case", CASES)
def test_each_learner_page_has_no_note_under_zh_hant(client_as, case):
    client, trainee = client_as("trainee")
    path, texts, _has_note = CASES[case](trainee)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hant"' in html
    assert 'data-testid="content-language-note"' not in html
    assert _langs_of(html, texts[0]) == {"zh-hant"}  # the title is marked all the same


def test_the_staff_brief_of_a_scenario_marks_its_chinese_content(client_as, trainee):
    client, _user = client_as("trainer")
    scenario = _scenario(trainee)
    html = client.get("/en" + _page_path(scenario)).content.decode()
    for text in (scenario.title, "陳先生", "點數不見", "門市人員", "處理客訴"):
        assert _langs_of(html, text) == {"zh-hant"}, text
    assert 'data-testid="content-language-note"' in html


def test_a_question_preview_marks_the_question_with_the_content_language(trainer, rf):
    question = make_question("single")
    request = rf.get("/")
    request.user = trainer
    html = question.serve_preview(request, "").render().content.decode()
    for text in (question.text, "正確選項"):
        assert _langs_of(html, text) == {"zh-hant"}, text
