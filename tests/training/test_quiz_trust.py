"""Quizzes a learner trusts (issue 16), through HTTP: the attempt page's navigation panel
and summary, the timer's markup, the result page without JavaScript (how many were left
unanswered), review verdicts in words with per-pair matching results and the scoring rule,
attempts left, points so far while an assessor marks, and what a new attempt does to one
awaiting marking, per grading method, checked against the grade the service computes."""

import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from content.pages.quiz import QuizPage
from tests.factories.quizzes import (
    FormData,
    answer_data,
    enrol,
    make_module,
    make_question,
    quiz_setup,
)
from tests.factories.quizzes import make_quiz as add_quiz
from tests.training.test_quiz_views import assert_no_leak, leak_quiz
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.selectors.quizzes import quiz_status
from training.services import quizzes as services

pytestmark = pytest.mark.django_db


def url(name, *args):
    with translation.override("zh-hant"):
        return reverse(name, args=args)


def start(quiz, trainee, seed=3):
    return services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(seed))


def submit(attempt, trainee, correct=True, **overrides):
    data = FormData(answer_data(attempt, correct=correct))
    data.update(overrides)
    return services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the attempt page ------------------------------------------------------------------------


def test_attempt_page_offers_a_navigation_panel_with_states_in_words(trainee_client, trainee):
    quiz, _questions = leak_quiz(trainee, types=("single", "matching", "numeric", "written"))
    attempt = start(quiz, trainee)
    matching = attempt.responses.get(slot=2)
    first_left = str(matching.option_order[0])
    services.quiz_attempt_save(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData({"q1": "0", "q2-0": "0"}),  # q1 answered, q2 one pair of three
        sequence=1,
    )
    assert QuizResponse.objects.get(pk=matching.pk).answer.keys() == {first_left}
    html = trainee_client.get(url("training:quiz_attempt", attempt.pk)).content.decode()

    assert html.count('class="quiz-nav-item') == 4
    nav = {
        slot: html.split(f'data-testid="nav-{slot}">', 1)[1].split("</a>", 1)[0]
        for slot in (1, 2, 3, 4)
    }

    def spoken(fragment):  # what a screen reader reads: the word spans not hidden
        spans = re.findall(r'<span class="visually-hidden"([^>]*)>([^<]*)</span>', fragment)
        return "".join(text for attrs, text in spans if " hidden" not in attrs).strip()

    assert spoken(nav[1]) == "第 1 題 已作答"
    assert spoken(nav[2]) == "第 2 題 部分作答"
    assert spoken(nav[3]) == "第 3 題 尚未作答"
    assert 'class="quiz-nav-item is-partly"' in html
    # Summary before submitting: counts and links to what is missing.
    assert "已作答題數：" in html
    summary = html.split('id="quiz-submit"', 1)[1].split("</section>", 1)[0]
    assert 'href="#slot-3"' in summary and 'href="#slot-4"' in summary
    # One flag toggle per question (shown by the script), and the confirm step.
    assert html.count("data-quiz-flag") == 4 and "標記待檢查" in html
    assert 'data-testid="confirm-submit"' in html
    # Breadcrumbs: course, module, quiz.
    crumbs = html.split('data-testid="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert quiz.get_parent().get_parent().title in crumbs and quiz.title in crumbs
    assert_no_leak(html)


def test_the_scoring_rule_is_stated_while_answering_and_in_the_review(trainee_client, trainee):
    module = make_module()
    quiz = add_quiz(
        module,
        [make_question("matching", partial_credit="proportional"), make_question("single")],
        shuffle_options=False,
    )
    enrol(trainee, module)
    attempt = start(quiz, trainee)
    html = trainee_client.get(url("training:quiz_attempt", attempt.pk)).content.decode()
    assert "部分給分：每配對正確一組就得分" in html.split('data-testid="credit-1">', 1)[1]
    right = attempt.responses.get(slot=1).right_order
    order = attempt.responses.get(slot=1).option_order
    # Pairs 1 and 2 swapped, pair 3 right.
    swap = {order[0]: order[1], order[1]: order[0]}
    data = {f"q1-{i}": str(right.index(swap.get(oid, oid))) for i, oid in enumerate(order)}
    response = trainee_client.post(url("training:quiz_submit", attempt.pk), {"seq": "1", **data})
    result = trainee_client.get(response["Location"]).content.decode()

    review = result.split('data-testid="review-1"', 1)[1].split('data-testid="review-2"', 1)[0]
    assert "◐ 部分答對" in review
    assert "計分方式： 部分給分：每配對正確一組就得分" in text_of(review)
    parts = review.split('data-testid="review-parts-1"', 1)[1].split("</ul>", 1)[0]
    lines = [text_of(li).strip() for li in re.split(r"<li[^>]*>", parts)[1:]]
    left = {o.pk: o for o in attempt.responses.get(slot=1).question.options.all()}
    first, second, third = (left[oid] for oid in order)
    assert lines[0].startswith("✗ 錯誤：") and first.text in lines[0]
    assert f"你的配對： {second.match_text}" in lines[0]
    assert f"正確配對： {first.match_text}" in lines[0]
    assert lines[2].startswith("✓ 正確：") and f"你的配對： {third.match_text}" in lines[2]
    assert "正確配對" not in lines[2]
    # An unanswered single choice says so in words.
    assert "未作答" in result.split('data-testid="review-2"', 1)[1]


def test_review_verdicts_are_words_not_only_colour(trainee_client, trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "true_false"))
    attempt = start(quiz, trainee)
    submit(attempt, trainee, correct=True, q2="false")
    html = trainee_client.get(url("training:quiz_result", attempt.pk)).content.decode()
    assert "✓ 答對" in html.split('data-testid="review-1"', 1)[1].split("review-2", 1)[0]
    assert "✗ 答錯" in html.split('data-testid="review-2"', 1)[1]


def test_timer_markup_only_for_timed_quizzes(trainee_client, trainee):
    timed, _q = quiz_setup(trainee, types=("single",), time_limit_minutes=10)
    html = trainee_client.get(url("training:quiz_attempt", start(timed, trainee).pk)).content
    html = html.decode()
    assert 'data-testid="quiz-timer"' in html and 'role="timer"' in html
    assert re.search(r'data-remaining="(599|600)">(9:59|10:00)<', html)
    assert "剩下不到 5 分鐘" in html and "剩下不到 1 分鐘" in html
    assert 'aria-live="assertive"' in html
    untimed, _q = quiz_setup(trainee, types=("single",))
    html = trainee_client.get(url("training:quiz_attempt", start(untimed, trainee).pk))
    assert 'data-testid="quiz-timer"' not in html.content.decode()


@pytest.mark.parametrize("count", [3, 24])
def test_attempt_page_queries_do_not_grow_with_questions(
    trainee_client, trainee, count, django_assert_max_num_queries
):
    quiz, _questions = quiz_setup(trainee, count=count)
    attempt = start(quiz, trainee)
    target = url("training:quiz_attempt", attempt.pk)
    with django_assert_max_num_queries(12):
        response = trainee_client.get(target)
    assert response.content.decode().count('class="quiz-nav-item') == count


@pytest.mark.parametrize("attempts", [1, 6])
def test_quiz_page_queries_do_not_grow_with_attempts(
    trainee_client, trainee, attempts, django_assert_max_num_queries
):
    quiz, _questions = quiz_setup(trainee, types=("single", "written"), attempts_allowed=0)
    for _ in range(attempts):
        submit(start(quiz, trainee), trainee)
    with django_assert_max_num_queries(15):
        response = trainee_client.get(url("training:quiz", quiz.pk))
    assert response.content.decode().count('data-testid="points-so-far"') == attempts


# --- result page: no-JS submit, unanswered, attempts left ------------------------------------


def test_a_plain_submit_works_and_the_result_counts_what_was_unanswered(trainee_client, trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "true_false", "numeric"))
    attempt = start(quiz, trainee)
    # The form's own submit button, without the script: no confirm step, nothing lost.
    response = trainee_client.post(
        url("training:quiz_submit", attempt.pk), {"seq": "1", "q2": "true"}
    )
    assert response.status_code == 302
    html = trainee_client.get(response["Location"]).content.decode()
    assert "你有 2 題未作答，這些題目不計分。" in html
    assert "剩餘作答次數：2 次（共 3 次）。" in html
    assert QuizAttempt.objects.get(pk=attempt.pk).state == QuizAttempt.State.GRADED


def test_attempts_left_on_the_quiz_page(trainee_client, trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), attempts_allowed=2)
    html = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    assert "剩餘作答次數：2 次（共 2 次）。" in html
    submit(start(quiz, trainee), trainee)
    submit(start(quiz, trainee), trainee)
    html = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    assert "剩餘作答次數：0 次（共 2 次）。" in html
    assert 'data-testid="start-attempt"' not in html
    unlimited, _q = quiz_setup(trainee, types=("single",), attempts_allowed=0)
    html = trainee_client.get(url("training:quiz", unlimited.pk)).content.decode()
    assert "這份測驗不限作答次數。" in html


# --- awaiting marking: points so far; a new attempt's effect -----------------------------------


def awaiting_quiz(trainee, method):
    quiz, _questions = quiz_setup(
        trainee, types=("single", "true_false", "written"), grading_method=method, pass_mark=50
    )
    return quiz


def test_while_waiting_for_marking_the_auto_marked_part_is_shown(trainee_client, trainee):
    quiz = awaiting_quiz(trainee, "highest")
    attempt = start(quiz, trainee)
    submit(attempt, trainee, correct=True, q2="false")  # 1 of the 2 automatic points
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.AWAITING_MARKING
    html = trainee_client.get(url("training:quiz_result", attempt.pk)).content.decode()
    assert "目前得分：已批改的題目共 2 分，你得到 1 分。" in html
    assert "還有 1 題（1 分）等待評量人員批改" in html
    detail = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    assert "目前已得 1 分（已批改部分共 2 分）" in detail and "1 題等待評量人員批改" in detail


def _mark(attempt, assessor, score):
    written = attempt.responses.get(status=QuizResponse.Status.NEEDS_MARKING)
    services.quiz_response_mark(
        response_id=written.pk, marker=assessor, score=Decimal(score), comment="ok"
    )


@pytest.mark.parametrize(
    ("method", "says", "first_score", "grade_after"),
    [
        # Attempt 1: 3/3 once marked; attempt 2: 0/3. The grade after both are graded:
        ("highest", "最高分：第 1 次作答批改完成後仍會計入", "1", 100.0),
        ("latest", "新的作答評分後，就改以它計分，即使第 1 次作答之後才批改完成也一樣", "1", 0.0),
        ("first", "第 1 次作答批改完成後，就以它計分，不論新的作答得幾分", "1", 100.0),
        ("average", "第 1 次作答批改完成後會納入平均，新的作答也會", "1", 50.0),
    ],
)
def test_a_new_attempt_while_one_awaits_marking_warns_truthfully(
    trainee_client, trainee, assessor, method, says, first_score, grade_after
):
    quiz = awaiting_quiz(trainee, method)
    first = start(quiz, trainee)
    submit(first, trainee, correct=True)
    html = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    warning = html.split('data-testid="new-attempt-warning"', 1)[1].split("</div>", 1)[0]
    assert "開始新的作答不會取消它：評量人員仍會批改。" in warning
    assert says in warning
    # What the warning says is what happens: the new attempt graded first, then the old
    # one marked.
    second = start(quiz, trainee, seed=4)
    data = FormData(answer_data(second, correct=False))
    data["q3"] = ""  # nothing to mark: graded at once
    services.quiz_attempt_submit(
        attempt_id=second.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    _mark(first, assessor, first_score)
    status = quiz_status([trainee.pk], [quiz])[(trainee.pk, quiz.pk)]
    assert status.score == grade_after


def test_first_method_with_an_earlier_graded_attempt_names_it(trainee_client, trainee):
    quiz = awaiting_quiz(trainee, "first")
    graded = start(quiz, trainee)
    submit(graded, trainee, correct=True, q3="")
    submit(start(quiz, trainee, seed=5), trainee, correct=True)
    html = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    assert "也就是第 1 次作答：第 2 次作答和新的作答都不會改變它" in html


def test_no_warning_without_an_attempt_awaiting_marking(trainee_client, trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), grading_method="latest")
    submit(start(quiz, trainee), trainee)
    html = trainee_client.get(url("training:quiz", quiz.pk)).content.decode()
    assert 'data-testid="new-attempt-warning"' not in html
    assert QuizPage.objects.get(pk=quiz.pk).grading_method == "latest"
