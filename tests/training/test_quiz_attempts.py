"""Quiz attempts through the services: draws, limits, autosave sequence, time limit, replay,
server-side grading, marking, evidence; fixed query counts."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from content.models.framework import Indicator
from content.pages.quiz import QuizPage
from tests.factories.quizzes import (
    FormData,
    answer_data,
    enrol,
    make_module,
    make_question,
    make_quiz,
    quiz_setup,
)
from training.evidence import quiz_evidence, training_evidence
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.selectors.quizzes import quiz_status
from training.services import quizzes as services

pytestmark = pytest.mark.django_db


def start(quiz, trainee, seed=1):
    return services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(seed))


def submit(attempt, trainee, **kw):
    data = FormData(answer_data(attempt, **kw))
    return services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )


def test_start_stores_the_draw_and_option_order(trainee):
    quiz, questions = quiz_setup(trainee)
    attempt = start(quiz, trainee)
    responses = list(attempt.responses.order_by("slot"))
    assert [r.question_id for r in responses] == [q.pk for q in questions]
    for response, question in zip(responses, questions, strict=True):
        assert sorted(response.option_order) == sorted(
            question.options.values_list("pk", flat=True)
        )
        if question.qtype == "matching":
            assert sorted(response.right_order) == sorted(response.option_order)
    # Starting again (double click, second tab) returns the same attempt.
    assert start(quiz, trainee, seed=2).pk == attempt.pk
    assert QuizAttempt.objects.filter(quiz=quiz, trainee=trainee).count() == 1


def test_only_enrolled_trainees_start(trainee, other_trainee):
    quiz, _questions = quiz_setup(trainee)
    with pytest.raises(PermissionDenied):
        start(quiz, other_trainee)
    assert not QuizAttempt.objects.filter(trainee=other_trainee).exists()


def test_attempt_limit(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), attempts_allowed=2)
    for _ in range(2):
        submit(start(quiz, trainee), trainee, correct=False)
    with pytest.raises(services.AttemptLimitReached):
        start(quiz, trainee)
    assert QuizAttempt.objects.filter(quiz=quiz, trainee=trainee).count() == 2


def test_draw_per_indicator_gives_each_trainee_their_own_draw(trainee, other_trainee):
    module = make_module()
    indicators = list(Indicator.objects.filter(unit=module.course.unit).order_by("sort_order"))
    for indicator in indicators:
        for _ in range(4):
            make_question("single", indicators=[indicator])
    quiz = make_quiz(module, selection=QuizPage.Selection.PER_INDICATOR, draw_count=2)
    enrol(trainee, module)
    enrol(other_trainee, module)
    first = start(quiz, trainee, seed=1)
    second = start(quiz, other_trainee, seed=7)
    for attempt in (first, second):
        drawn = QuizResponse.objects.filter(attempt=attempt)
        assert drawn.count() == 2 * len(indicators)
        for indicator in indicators:
            assert drawn.filter(question__indicators=indicator).count() == 2
    assert set(first.responses.values_list("question_id", flat=True)) != set(
        second.responses.values_list("question_id", flat=True)
    )


def test_draw_per_tag(trainee):
    module = make_module()
    for _ in range(3):
        make_question("single", tags=["客訴"])
        make_question("single", tags=["指標"])
    make_question("single", tags=["其他"])
    quiz = make_quiz(
        module, selection=QuizPage.Selection.PER_TAG, draw_count=2, draw_tags="客訴, 指標"
    )
    enrol(trainee, module)
    attempt = start(quiz, trainee)
    tags = [set(r.question.tags.names()) for r in attempt.responses.all()]
    assert len(tags) == 4
    assert sum(1 for t in tags if "客訴" in t) == 2 and sum(1 for t in tags if "指標" in t) == 2


def test_server_grades_every_type_and_ignores_posted_scores(trainee):
    quiz, _questions = quiz_setup(
        trainee,
        types=("single", "multiple", "true_false", "numeric", "matching", "ordering"),
        pass_mark=50,
    )
    attempt = start(quiz, trainee)
    data = FormData(answer_data(attempt, correct=False))
    data.update({"score": "100", "is_correct": "1", "points_earned": "6", "passed": "true"})
    done = services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    assert done.state == QuizAttempt.State.GRADED
    assert done.score == 0 and done.passed is False
    second = start(quiz, trainee)
    done = submit(second, trainee, correct=True)
    assert done.score == 100 and done.passed is True


def test_replayed_submission_changes_nothing(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"))
    attempt = start(quiz, trainee)
    first = submit(attempt, trainee, correct=True)
    again = services.quiz_attempt_submit(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, correct=False, seq=99)),
        sequence=99,
    )
    again.refresh_from_db()
    assert (again.score, again.submitted_at, again.state) == (
        first.score,
        first.submitted_at,
        first.state,
    )
    assert again.score == 100


def test_stale_tab_cannot_overwrite_newer_answers(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"))
    attempt = start(quiz, trainee)
    right = FormData(answer_data(attempt, correct=True, seq=5))
    assert services.quiz_attempt_save(
        attempt_id=attempt.pk, trainee=trainee, data=right, sequence=5
    ).saved
    stale = FormData(answer_data(attempt, correct=False, seq=4))
    result = services.quiz_attempt_save(
        attempt_id=attempt.pk, trainee=trainee, data=stale, sequence=4
    )
    assert (result.saved, result.reason, result.sequence) == (False, "stale", 5)
    with pytest.raises(services.StaleAnswers):
        services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee, data=stale, sequence=5)
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.IN_PROGRESS
    done = services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee)
    assert done.score == 100


def test_a_save_landing_between_another_saves_read_and_write_loses_nothing(trainee, monkeypatch):
    """Autosave reads before its write transaction (training/services/quizzes.py). When
    another tab's save lands in between, this one must not write what it read: it starts
    again on what the other left, so the newer sequence number's answers are the ones kept,
    and an older one is refused."""
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"))
    attempt = start(quiz, trainee)
    right = FormData(answer_data(attempt, correct=True, seq=7))
    wrong = FormData(answer_data(attempt, correct=False, seq=3))
    read = services.quiz_answers.responses_for_update
    reads = []

    def read_then_other_tab_saves(the_attempt):
        responses = read(the_attempt)
        reads.append(the_attempt.sequence)
        if len(reads) == 1:  # the other tab's save commits before this one claims
            assert services.quiz_attempt_save(
                attempt_id=attempt.pk, trainee=trainee, data=wrong, sequence=3
            ).saved
        return responses

    monkeypatch.setattr(services.quiz_answers, "responses_for_update", read_then_other_tab_saves)
    result = services.quiz_attempt_save(
        attempt_id=attempt.pk, trainee=trainee, data=right, sequence=7
    )
    assert result.saved and result.sequence == 7
    assert reads == [0, 0, 3]  # read, the other tab's read, read again after the refusal
    monkeypatch.undo()
    attempt.refresh_from_db()
    assert attempt.sequence == 7
    assert services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee).score == 100


def test_an_older_save_overtaken_between_its_read_and_write_is_refused(trainee, monkeypatch):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"))
    attempt = start(quiz, trainee)
    right = FormData(answer_data(attempt, correct=True, seq=9))
    wrong = FormData(answer_data(attempt, correct=False, seq=4))
    read = services.quiz_answers.responses_for_update
    overtaken = []

    def read_then_newer_tab_saves(the_attempt):
        responses = read(the_attempt)
        if not overtaken:
            overtaken.append(True)
            assert services.quiz_attempt_save(
                attempt_id=attempt.pk, trainee=trainee, data=right, sequence=9
            ).saved
        return responses

    monkeypatch.setattr(services.quiz_answers, "responses_for_update", read_then_newer_tab_saves)
    result = services.quiz_attempt_save(
        attempt_id=attempt.pk, trainee=trainee, data=wrong, sequence=4
    )
    assert (result.saved, result.reason, result.sequence) == (False, "stale", 9)
    monkeypatch.undo()
    assert services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee).score == 100


def test_late_submission_is_graded_on_what_was_saved_in_time(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single", "numeric"), time_limit_minutes=10)
    attempt = start(quiz, trainee)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=10)
    half = FormData(answer_data(attempt, correct=True, seq=1))
    half.pop("q2")  # only the first answer saved in time
    services.quiz_attempt_save(attempt_id=attempt.pk, trainee=trainee, data=half, sequence=1)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - services.GRACE - timedelta(seconds=1)
    )
    late_save = services.quiz_attempt_save(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, seq=2)),
        sequence=2,
    )
    assert (late_save.saved, late_save.reason) == (False, "late")
    done = services.quiz_attempt_submit(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, seq=3)),
        sequence=3,
    )
    assert done.closed_late is True
    assert done.score == 50  # the numeric answer came too late


def test_submission_within_grace_counts(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), time_limit_minutes=5)
    attempt = start(quiz, trainee)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    done = submit(attempt, trainee, correct=True)
    assert done.closed_late is False and done.score == 100


def test_overdue_attempts_are_closed_by_the_periodic_job(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",), time_limit_minutes=5)
    attempt = start(quiz, trainee)
    services.quiz_attempt_save(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, seq=1)),
        sequence=1,
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))
    assert services.quiz_attempts_close_overdue() == 1
    attempt.refresh_from_db()
    assert (
        attempt.state == QuizAttempt.State.GRADED and attempt.closed_late and attempt.score == 100
    )
    assert services.quiz_attempts_close_overdue() == 0


def test_immediate_check_locks_the_question(trainee):
    quiz, questions = quiz_setup(
        trainee, types=("single", "numeric"), review_policy=QuizPage.ReviewPolicy.IMMEDIATELY
    )
    attempt = start(quiz, trainee)
    data = FormData(answer_data(attempt, correct=True, seq=1))
    response = services.quiz_response_check(
        attempt_id=attempt.pk, trainee=trainee, slot=1, data=data, sequence=1
    )
    assert response.checked and response.fraction == 1
    wrong = FormData(answer_data(attempt, correct=False, seq=2))
    services.quiz_attempt_save(attempt_id=attempt.pk, trainee=trainee, data=wrong, sequence=2)
    first = attempt.responses.get(slot=1)
    assert first.answer == data_answer(attempt, 1)
    done = services.quiz_attempt_submit(attempt_id=attempt.pk, trainee=trainee)
    assert done.score == 50  # slot 1 kept its checked (right) answer, slot 2 wrong


def data_answer(attempt, slot):
    response = attempt.responses.get(slot=slot)
    return next(o.pk for o in response.question.options.all() if o.is_correct)


def test_check_refused_unless_policy_is_immediate(trainee):
    quiz, _questions = quiz_setup(trainee, types=("single",))
    attempt = start(quiz, trainee)
    with pytest.raises(PermissionDenied):
        services.quiz_response_check(
            attempt_id=attempt.pk,
            trainee=trainee,
            slot=1,
            data=FormData(answer_data(attempt)),
            sequence=1,
        )


def test_written_answers_wait_for_marking_then_grade(trainee, trainer):
    quiz, _questions = quiz_setup(trainee, types=("single", "written"), pass_mark=75)
    attempt = submit(start(quiz, trainee), trainee, correct=True)
    assert attempt.state == QuizAttempt.State.AWAITING_MARKING and attempt.score is None
    written = attempt.responses.get(question__qtype="written")
    with pytest.raises(services.QuizError):
        services.quiz_response_mark(
            response_id=written.pk, marker=trainer, score=Decimal("2"), comment=""
        )
    done = services.quiz_response_mark(
        response_id=written.pk, marker=trainer, score=Decimal("0.5"), comment="補救方式要更具體。"
    )
    assert done.state == QuizAttempt.State.GRADED
    assert done.score == 75 and done.passed is True
    written.refresh_from_db()
    assert written.marked_by == trainer and written.marker_comment == "補救方式要更具體。"


def test_nobody_marks_their_own_answer(trainee):
    quiz, _questions = quiz_setup(trainee, types=("written",))
    attempt = submit(start(quiz, trainee), trainee)
    written = attempt.responses.get()
    from django.http import Http404

    with pytest.raises(Http404):
        services.quiz_response_mark(
            response_id=written.pk, marker=trainee, score=Decimal("1"), comment=""
        )


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 100.0), ("latest", 0.0), ("first", 50.0), ("average", 50.0)],
)
def test_grading_method_across_attempts(trainee, method, expected):
    quiz, _questions = quiz_setup(
        trainee, types=("single", "true_false"), grading_method=method, pass_mark=60
    )
    a1 = start(quiz, trainee)
    data = FormData(answer_data(a1, correct=True))
    data["q2"] = "false"
    services.quiz_attempt_submit(
        attempt_id=a1.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    submit(start(quiz, trainee), trainee, correct=True)
    submit(start(quiz, trainee), trainee, correct=False)
    status = quiz_status([trainee.pk], [quiz])[(trainee.pk, quiz.pk)]
    assert status.score == expected
    assert status.passed is (expected >= 60)
    assert status.done and status.attempts == 3


def test_quiz_results_are_questioning_evidence_per_indicator(trainee, other_trainee):
    quiz, questions = quiz_setup(
        trainee, types=("single", "numeric", "true_false", "multiple"), pass_mark=70
    )
    enrol(other_trainee, quiz.get_parent().specific)
    attempt = start(quiz, trainee)
    data = FormData(answer_data(attempt, correct=True))
    data["q4"] = []  # T1.1 holds slots 1 and 4: one of two right
    services.quiz_attempt_submit(
        attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
    )
    unit_id = quiz.get_parent().specific.course.unit_id
    evidence = {
        (e.trainee_id, e.indicator_id): e
        for e in quiz_evidence(trainee_ids=[trainee.pk, other_trainee.pk], unit_id=unit_id)
    }
    indicators = {i.code: i.pk for i in Indicator.objects.filter(unit_id=unit_id)}
    assert evidence[(trainee.pk, indicators["T1.1"])].score == 50.0
    assert evidence[(trainee.pk, indicators["T1.1"])].passed is False
    assert evidence[(trainee.pk, indicators["T1.2"])].score == 100.0
    assert evidence[(trainee.pk, indicators["T1.2"])].method == "questioning"
    assert not any(key[0] == other_trainee.pk for key in evidence)
    assert any(
        e.source == "quiz_attempt"
        for e in training_evidence(trainee_ids=[trainee.pk], unit_id=unit_id)
    )


# --- fixed query counts -----------------------------------------------------------------


def _measure(django_assert_max_num_queries, trainee, size, bound):
    quiz, _questions = quiz_setup(trainee, count=size)
    with django_assert_max_num_queries(bound["start"]):
        attempt = start(quiz, trainee)
    data = FormData(answer_data(attempt, seq=1))
    with django_assert_max_num_queries(bound["save"]):
        assert services.quiz_attempt_save(
            attempt_id=attempt.pk, trainee=trainee, data=data, sequence=1
        ).saved
    data = FormData(answer_data(attempt, correct=False, seq=2))
    with django_assert_max_num_queries(bound["submit"]):
        done = services.quiz_attempt_submit(
            attempt_id=attempt.pk, trainee=trainee, data=data, sequence=2
        )
    assert done.responses.count() == size


@pytest.mark.parametrize("size", [3, 30])
def test_start_save_submit_run_a_fixed_number_of_queries(
    django_assert_max_num_queries, trainee, size
):
    # Submitting includes its consequence, the course's completion check (9 of the 19).
    # Starting pins each question's version: five reads and, for new content, one insert
    # and a read back (training/services/question_versions.py).
    _measure(django_assert_max_num_queries, trainee, size, {"start": 16, "save": 6, "submit": 19})


def test_evidence_query_count_does_not_grow(django_assert_max_num_queries, trainee, other_trainee):
    quiz, _questions = quiz_setup(trainee, count=4)
    enrol(other_trainee, quiz.get_parent().specific)
    for user in (trainee, other_trainee):
        for _ in range(2):
            submit(start(quiz, user), user)
    unit_id = quiz.get_parent().specific.course.unit_id
    with django_assert_max_num_queries(3):
        items = quiz_evidence(trainee_ids=[trainee.pk, other_trainee.pk], unit_id=unit_id)
    assert len(items) == 6


@pytest.mark.parametrize(
    ("qtype", "options"),
    [
        ("ordering", [("先", False), ("後", False)]),
        ("ordering", [("一", False), ("二", False), ("三", False)]),
        ("matching", [("甲", "子"), ("乙", "丑"), ("丙", "寅")]),
    ],
)
def test_shown_orders_are_uniform_over_every_permutation(trainee, qtype, options):
    """The correct order is shown as often as any other: ruling it out (as we once did)
    gave the answer away, e.g. a two-item ordering question always showed the reverse."""
    import itertools
    from collections import Counter

    from tests.factories.quizzes import enrol, make_module, make_question, make_quiz

    module = make_module()
    question = make_question(qtype, options=options)
    quiz = make_quiz(module, [question])
    enrol(trainee, module)
    correct = list(question.options.order_by("sort_order").values_list("pk", flat=True))
    runs = 300
    seen: Counter = Counter()
    for seed in range(runs):
        attempt = start(quiz, trainee, seed=seed)
        response = attempt.responses.get()
        shown = response.right_order if qtype == "matching" else response.option_order
        seen[tuple(shown)] += 1
        QuizAttempt.objects.filter(pk=attempt.pk).delete()
    permutations = list(itertools.permutations(correct))
    assert set(seen) == set(permutations)  # the correct order included
    expected = runs / len(permutations)
    chi_square = sum((seen[p] - expected) ** 2 / expected for p in permutations)
    # Below the p = 0.001 critical value for len - 1 degrees of freedom; the seeds fix the
    # outcome, so this cannot flake.
    assert chi_square < {2: 10.83, 6: 20.52}[len(permutations)]
