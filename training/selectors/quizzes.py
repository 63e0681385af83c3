"""Reads about quizzes shared by views, the evidence source and course completion:
scoped look-ups (404 on anything not the user's), the quiz's place in its course, the
attempt as the trainee sees it (answer states, review verdicts, the tally of a finished
attempt), attempts left and what a new attempt does to one awaiting marking, what the
review policy allows, the quiz grade across attempts, the marking queue and item analysis
data."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.models import Page

from content.models.questions import Question, QuestionOption, QuestionType
from content.pages.course import CoursePage
from content.pages.quiz import QuizPage
from content.question_presentation import PresentedQuestion, present_question
from training import grading, item_analysis
from training.models.enrolment import Enrolment
from training.models.quiz_attempts import QuizAttempt, QuizResponse

FINISHED = (QuizAttempt.State.GRADED, QuizAttempt.State.AWAITING_MARKING)


def quiz_for_trainee(*, quiz_id: int, trainee) -> QuizPage:
    """The live quiz, if the trainee is enrolled in its course; 404 otherwise."""
    quiz = QuizPage.objects.live().filter(pk=quiz_id).select_related("locale").first()
    if quiz is None:
        raise Http404
    enrolled = Enrolment.objects.filter(
        trainee=trainee, course__in=CoursePage.objects.ancestor_of(quiz).values("pk")
    ).exists()
    if not enrolled:
        raise Http404
    return quiz


def attempt_for_trainee(*, attempt_id: int, trainee) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_related("quiz__locale")
        .filter(pk=attempt_id, trainee=trainee)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempts_of(*, quiz: QuizPage, trainee) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(quiz=quiz, trainee=trainee).order_by("number"))


def quiz_trail(quiz: QuizPage) -> tuple[Page | None, Page | None]:
    """(course, module) of a quiz for its breadcrumbs, in one query: a quiz lives in a
    module (content.ModulePage), a module in a course."""
    above = {
        page.depth: page
        for page in Page.objects.ancestor_of(quiz).filter(depth__gte=quiz.depth - 2)
    }
    return above.get(quiz.depth - 2), above.get(quiz.depth - 1)


def attempts_left(quiz: QuizPage, attempts: list[QuizAttempt]) -> int | None:
    """How many more attempts the trainee may start; None when the quiz allows any number.
    Every attempt counts, the one in progress and those awaiting marking included."""
    if not quiz.attempts_allowed:
        return None
    return max(0, quiz.attempts_allowed - len(attempts))


def _number_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


@dataclass(frozen=True)
class Waiting:
    """An attempt awaiting marking: the points the answers marked so far earned, out of how
    many, and the written answers (and their points) still waiting for an assessor."""

    answers: int
    points: Decimal
    earned: Decimal
    scored_points: Decimal

    @property
    def earned_text(self) -> str:
        return _number_text(self.earned)

    @property
    def scored_text(self) -> str:
        return _number_text(self.scored_points)

    @property
    def points_text(self) -> str:
        return _number_text(self.points)


def waiting_by_attempt(attempts: list[QuizAttempt]) -> dict[int, Waiting]:
    """{attempt id: what still waits for marking} for the attempts awaiting marking; one
    query, none when no attempt waits. An attempt's points earned so far are those of its
    marked answers (an answer waiting for marking adds nothing yet)."""
    awaiting = {a.pk: a for a in attempts if a.state == QuizAttempt.State.AWAITING_MARKING}
    if not awaiting:
        return {}
    rows = (
        QuizResponse.objects.filter(
            attempt_id__in=list(awaiting), status=QuizResponse.Status.NEEDS_MARKING
        )
        .values("attempt_id")
        .annotate(answers=Count("id"), points=Sum("points"))
        .order_by()
    )
    result = {}
    for row in rows:
        attempt = awaiting[row["attempt_id"]]
        result[attempt.pk] = Waiting(
            answers=row["answers"],
            points=row["points"],
            earned=attempt.points_earned,
            scored_points=attempt.points_possible - row["points"],
        )
    return result


def new_attempt_warning(quiz: QuizPage, attempts: list[QuizAttempt]) -> str:
    """What starting another attempt does to the attempts still awaiting marking, by the
    quiz's grading method (`grading.combine_attempts` over graded attempts in the order
    attempted): an awaiting attempt is never cancelled; it is marked and then counts as the
    method says. Empty when no attempt awaits marking."""
    waiting = [a.number for a in attempts if a.state == QuizAttempt.State.AWAITING_MARKING]
    if not waiting:
        return ""
    numbers = ", ".join(str(n) for n in waiting)
    method = quiz.grading_method
    if method == QuizPage.GradingMethod.LATEST:
        return _(
            "Your quiz grade is your latest graded attempt: once the new attempt is graded, "
            "it counts instead of attempt %(numbers)s, even if that one is marked later."
        ) % {"numbers": numbers}
    if method == QuizPage.GradingMethod.FIRST:
        earlier = [
            a.number
            for a in attempts
            if a.state == QuizAttempt.State.GRADED and a.number < min(waiting)
        ]
        if earlier:
            return _(
                "Your quiz grade is your first graded attempt, attempt %(first)s: neither "
                "attempt %(numbers)s nor the new attempt changes it."
            ) % {"first": earlier[0], "numbers": numbers}
        return _(
            "Your quiz grade is your first graded attempt: once attempt %(numbers)s is "
            "marked, it counts, whatever the new attempt scores. Until then the new "
            "attempt's score, once graded, is your grade."
        ) % {"numbers": numbers}
    if method == QuizPage.GradingMethod.AVERAGE:
        return _(
            "Your quiz grade is the average of your graded attempts: attempt %(numbers)s "
            "joins the average once it is marked, and so does the new attempt."
        ) % {"numbers": numbers}
    return _(
        "Your quiz grade is your highest graded attempt: attempt %(numbers)s still counts "
        "once it is marked, and a lower score in the new attempt cannot lower your grade."
    ) % {"numbers": numbers}


def review_allowed(quiz: QuizPage, attempt: QuizAttempt, attempts: list[QuizAttempt]) -> bool:
    """May the trainee see right answers and feedback for this (finished) attempt?"""
    if not attempt.is_finished:
        return False
    policy = quiz.review_policy
    if policy in (QuizPage.ReviewPolicy.IMMEDIATELY, QuizPage.ReviewPolicy.AFTER_SUBMISSION):
        return True
    if policy == QuizPage.ReviewPolicy.AFTER_LAST_ATTEMPT:
        finished = [a for a in attempts if a.is_finished]
        busy = any(a.state == QuizAttempt.State.IN_PROGRESS for a in attempts)
        return bool(quiz.attempts_allowed) and len(finished) >= quiz.attempts_allowed and not busy
    return False


# --- the attempt as the trainee sees it -----------------------------------------------------


@dataclass(frozen=True)
class PartLine:
    """One pair of a matching question or one item of an ordering question in the review:
    the trainee's answer for it against the right one."""

    text: str
    yours: str
    right: str
    correct: bool


@dataclass
class ReviewItem:
    """What a review may add to a question: only built when the policy allows."""

    status: str
    earned: Decimal | None
    correct_answer: list[str]
    feedback: str
    option_feedback: list[str]
    marker_comment: str = ""
    rubric: list["RubricLine"] = field(default_factory=list)  # a marked written answer
    parts: list[PartLine] = field(default_factory=list)  # matching pairs, ordering items
    fraction: Decimal | None = None

    @property
    def verdict(self) -> str:
        """correct / partly / incorrect / unanswered / waiting (for an assessor): the
        review says it in words, never by colour alone."""
        if self.status == QuizResponse.Status.NEEDS_MARKING or (
            self.fraction is None and self.status != QuizResponse.Status.UNANSWERED
        ):
            return "waiting"
        if self.status == QuizResponse.Status.UNANSWERED:
            return "unanswered"
        if self.fraction >= 1:
            return "correct"
        return "partly" if self.fraction > 0 else "incorrect"


@dataclass(frozen=True)
class RubricLine:
    """One criterion of the rubric of the version answered, with the marker's score."""

    text: str
    points: Decimal
    score: Decimal | None

    @property
    def points_text(self) -> str:
        return f"{self.points.normalize():f}"

    @property
    def score_text(self) -> str:
        return "" if self.score is None else f"{self.score.normalize():f}"


@dataclass
class AttemptItem:
    question: PresentedQuestion
    response: QuizResponse
    review: ReviewItem | None = None
    your_answer: list[str] = field(default_factory=list)
    credit_rules: list[str] = field(default_factory=list)  # how partial credit works here
    answer_state: str = "unanswered"  # answered / partly (some pairs or items) / unanswered


def _answer_state(qtype: str, response: QuizResponse) -> str:
    """What the stored answer covers, as the navigation panel shows it (the page's script
    recomputes it from the form as the trainee answers)."""
    answer = response.answer
    if answer is None or answer == "" or answer == [] or answer == {}:
        return "unanswered"
    several = qtype in (QuestionType.MATCHING, QuestionType.ORDERING)
    if several and isinstance(answer, dict) and len(answer) < len(response.option_order or []):
        return "partly"
    return "answered"


@dataclass(frozen=True)
class AttemptTally:
    """A finished attempt in numbers: what was left unanswered, what the automatic marking
    (and any assessor's marks so far) gave, what still waits for an assessor."""

    questions: int
    unanswered: int
    waiting: Waiting


def attempt_tally(responses: list[QuizResponse]) -> AttemptTally:
    unanswered = waiting = 0
    waiting_points = scored = earned = Decimal("0")
    for response in responses:
        if response.status == QuizResponse.Status.NEEDS_MARKING:
            waiting += 1
            waiting_points += response.points
            continue
        if response.status == QuizResponse.Status.UNANSWERED:
            unanswered += 1
        scored += response.points
        earned += (response.fraction or Decimal("0")) * response.points
    return AttemptTally(
        questions=len(responses),
        unanswered=unanswered,
        waiting=Waiting(
            answers=waiting, points=waiting_points, earned=earned, scored_points=scored
        ),
    )


def credit_rules(question) -> list[str]:
    """What the trainee is told about scoring a multiple response, matching or ordering
    question: the question version's own partial-credit setting (training/grading.py)."""
    qtype = question.qtype
    if qtype not in (QuestionType.MULTIPLE, QuestionType.MATCHING, QuestionType.ORDERING):
        return []
    if question.partial_credit != "proportional":
        return [_("All or nothing: only a fully correct answer scores")]
    if qtype == QuestionType.MATCHING:
        return [_("Partial credit: each correct pair counts")]
    if qtype == QuestionType.ORDERING:
        return [_("Partial credit: each item in its correct position counts")]
    lines = [_("Partial credit: each correct selection counts")]
    if question.penalty:
        if question.penalty == 1:
            lines.append(_("Each wrong selection cancels one correct selection."))
        else:
            lines.append(
                _("Each wrong selection takes away %(share)s%% of one correct selection's credit.")
                % {"share": f"{(question.penalty * 100).normalize():f}"}
            )
    return lines


def _rubric_lines(question, response: QuizResponse) -> list[RubricLine]:
    if response.status != QuizResponse.Status.MARKED or not response.rubric_scores:
        return []
    scores = response.rubric_scores
    return [
        RubricLine(
            text=criterion.text,
            points=criterion.points,
            score=Decimal(scores[str(criterion.pk)]) if str(criterion.pk) in scores else None,
        )
        for criterion in question.rubric
    ]


def attempt_responses(attempt: QuizAttempt) -> list[QuizResponse]:
    """Responses with the question versions they were drawn with (what the attempt shows,
    whatever the bank says now): one query whatever their number."""
    return list(attempt.responses.select_related("question_version").order_by("slot"))


def _fill(item: PresentedQuestion, response: QuizResponse) -> None:
    """Put the stored answer back into the form, in this trainee's positions."""
    answer = response.answer
    order = response.option_order or []
    position = {option_id: str(index) for index, option_id in enumerate(order)}
    if answer is None:
        return
    if item.qtype == QuestionType.SINGLE:
        item.selected = [position[answer]] if answer in position else []
    elif item.qtype == QuestionType.MULTIPLE:
        item.selected = [position[a] for a in answer if a in position]
    elif item.qtype == QuestionType.TRUE_FALSE:
        item.selected = [answer]
    elif item.qtype in (QuestionType.NUMERIC, QuestionType.WRITTEN):
        item.text_value = str(answer)
    elif item.qtype == QuestionType.MATCHING:
        right = {
            option_id: str(index) for index, option_id in enumerate(response.right_order or [])
        }
        for index, option_id in enumerate(order):
            chosen = answer.get(str(option_id))
            item.rows[index].selected = right.get(chosen, "")
    elif item.qtype == QuestionType.ORDERING:
        for index, option_id in enumerate(order):
            value = answer.get(str(option_id))
            item.rows[index].selected = str(value) if value else ""


def _describe_answer(question, options_by_id, answer) -> list[str]:
    """The trainee's answer in words, for the review."""
    if answer is None:
        return []
    qtype = question.qtype
    if qtype == QuestionType.SINGLE:
        return [options_by_id[answer].text] if answer in options_by_id else []
    if qtype == QuestionType.MULTIPLE:
        return [options_by_id[a].text for a in answer if a in options_by_id]
    if qtype == QuestionType.TRUE_FALSE:
        return ["true" if answer == "true" else "false"]
    if qtype in (QuestionType.NUMERIC, QuestionType.WRITTEN):
        return [str(answer)]
    if qtype == QuestionType.MATCHING:
        return [
            f"{options_by_id[int(left)].text} → {options_by_id[right].match_text}"
            for left, right in answer.items()
            if int(left) in options_by_id and right in options_by_id
        ]
    if qtype == QuestionType.ORDERING:
        ranked = sorted(
            ((position, int(option_id)) for option_id, position in answer.items()),
            key=lambda pair: pair[0],
        )
        return [
            f"{position}. {options_by_id[oid].text}"
            for position, oid in ranked
            if oid in options_by_id
        ]
    return []


def _parts(question, response: QuizResponse) -> list[PartLine]:
    """Matching: each left item with the match chosen and the right one. Ordering: each
    item with the position given and its right position; a position given to more than one
    item is right for none of them (as `grading` scores it). In the order shown."""
    qtype = question.qtype
    if qtype not in (QuestionType.MATCHING, QuestionType.ORDERING):
        return []
    by_id = question.options_by_id
    answer = response.answer if isinstance(response.answer, dict) else {}
    shown = [by_id[oid] for oid in response.option_order or [] if oid in by_id]
    lines = []
    if qtype == QuestionType.MATCHING:
        for option in shown:
            chosen = answer.get(str(option.pk))
            yours = by_id[chosen].match_text if chosen in by_id else ""
            lines.append(PartLine(option.text, yours, option.match_text, chosen == option.pk))
        return lines
    right = {option.pk: position for position, option in enumerate(question.options, start=1)}
    uses = Counter(answer.values())
    for option in shown:
        given = answer.get(str(option.pk))
        correct = given == right[option.pk] and uses[given] == 1
        lines.append(
            PartLine(
                option.text, "" if given is None else str(given), str(right[option.pk]), correct
            )
        )
    return lines


def _correct_answer(question, options: list) -> list[str]:
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [option.text for option in options if option.is_correct]
    if qtype == QuestionType.TRUE_FALSE:
        return ["true" if question.true_false_answer else "false"]
    if qtype == QuestionType.NUMERIC:
        value = (
            f"{question.numeric_answer.normalize():f}"
            if question.numeric_answer is not None
            else ""
        )
        tolerance = question.numeric_tolerance.normalize()
        text = f"{value} {question.numeric_unit}".strip()
        return [f"{text} (± {tolerance:f})" if tolerance else text]
    if qtype == QuestionType.MATCHING:
        return [f"{option.text} → {option.match_text}" for option in options]
    if qtype == QuestionType.ORDERING:
        return [f"{index}. {option.text}" for index, option in enumerate(options, start=1)]
    if qtype == QuestionType.WRITTEN:
        return [question.model_answer]
    return []


def attempt_items(
    attempt: QuizAttempt, responses: list[QuizResponse], *, reveal: bool
) -> list[AttemptItem]:
    """Questions of an attempt for the page, as their pinned versions read. Right answers
    and feedback are only attached when `reveal` is true, or for a question already checked
    under the immediate policy."""
    items = []
    for response in responses:
        question = response.question_version.snapshot
        options = list(question.options)
        by_id = question.options_by_id
        shown = [by_id[oid] for oid in response.option_order or [] if oid in by_id]
        right = [by_id[oid] for oid in response.right_order or [] if oid in by_id]
        presented = present_question(
            question, shown, slot=response.slot, right_options=right or None
        )
        _fill(presented, response)
        presented.locked = response.checked
        item = AttemptItem(
            question=presented,
            response=response,
            credit_rules=credit_rules(question),
            answer_state=_answer_state(question.qtype, response),
        )
        if reveal or response.checked:
            item.your_answer = _describe_answer(question, by_id, response.answer)
            chosen = set()
            if isinstance(response.answer, list):
                chosen = set(response.answer)
            elif isinstance(response.answer, int):
                chosen = {response.answer}
            item.review = ReviewItem(
                status=response.status,
                earned=(response.fraction * response.points).quantize(Decimal("0.01"))
                if response.fraction is not None
                else None,
                correct_answer=_correct_answer(question, options),
                feedback=question.feedback,
                option_feedback=[
                    by_id[oid].feedback
                    for oid in sorted(chosen)
                    if oid in by_id and by_id[oid].feedback
                ],
                marker_comment=response.marker_comment,
                rubric=_rubric_lines(question, response),
                parts=_parts(question, response),
                fraction=response.fraction,
            )
        items.append(item)
    return items


# --- quiz grade across attempts --------------------------------------------------------------


@dataclass(frozen=True)
class QuizStatus:
    started: bool
    done: bool
    passed: bool | None
    score: float | None
    finished_at: datetime | None
    attempts: int


def quiz_status(trainee_ids, pages) -> dict[tuple[int, int], QuizStatus]:
    """{(trainee id, quiz page id): status} with the quiz's grading method applied; one
    query whatever the number of trainees or quizzes."""
    pages = {page.pk: page for page in pages}
    rows = (
        QuizAttempt.objects.filter(trainee_id__in=list(trainee_ids), quiz_id__in=list(pages))
        .order_by("number")
        .values_list("trainee_id", "quiz_id", "state", "score", "submitted_at", "graded_at")
    )
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        grouped[(row[0], row[1])].append(row)
    result = {}
    for key, attempts in grouped.items():
        page = pages[key[1]]
        graded = [row for row in attempts if row[2] == QuizAttempt.State.GRADED]
        score = grading.combine_attempts(page.grading_method, [row[3] for row in graded])
        finished = [row[4] for row in attempts if row[2] in FINISHED and row[4]]
        result[key] = QuizStatus(
            started=True,
            done=bool(finished),
            passed=None if score is None else score >= page.pass_mark,
            score=None if score is None else float(score),
            finished_at=max(finished) if finished else None,
            attempts=len(attempts),
        )
    return result


# --- marking --------------------------------------------------------------------------------


def marking_queue(*, marker, trainees) -> list[QuizResponse]:
    """Written answers waiting for a mark, of the given trainees only (the marker's scope,
    which `assessments` decides: training cannot know assessor assignments), never the
    marker's own."""
    return list(
        QuizResponse.objects.filter(
            status=QuizResponse.Status.NEEDS_MARKING,
            attempt__state=QuizAttempt.State.AWAITING_MARKING,
            attempt__trainee__in=trainees,
        )
        .exclude(attempt__trainee=marker)
        .select_related("question_version", "attempt__quiz", "attempt__trainee__profile")
        .order_by("attempt__submitted_at", "slot")
    )


def marking_item(*, response_id: int, marker, trainees) -> QuizResponse:
    """One written answer of the given trainees (the marker's scope), else 404; the marker
    reads the question and model answer of the version answered (`question_version`)."""
    response = (
        QuizResponse.objects.filter(
            pk=response_id,
            question_version__content__qtype=QuestionType.WRITTEN,
            attempt__state__in=FINISHED,
            attempt__trainee__in=trainees,
        )
        .exclude(attempt__trainee=marker)
        .select_related("question_version", "attempt__quiz", "attempt__trainee__profile")
        .first()
    )
    if response is None:
        raise Http404
    return response


# --- item analysis --------------------------------------------------------------------------


@dataclass
class ItemRow:
    question: object  # the bank question (code, edit link)
    version: object | None  # the QuestionVersion answered; None: a fixed question not drawn yet
    stats: item_analysis.ItemStats

    @property
    def text(self) -> str:
        return self.version.snapshot.text if self.version else self.question.text

    @property
    def qtype(self) -> str:
        return self.version.snapshot.qtype if self.version else self.question.qtype


def quiz_item_analysis(quiz: QuizPage) -> list[ItemRow]:
    """Statistics per question version answered in graded attempts of this quiz (versions
    are never mixed: an edit of the key makes another item), plus the fixed questions not
    drawn yet. Four queries."""
    responses = list(
        QuizResponse.objects.filter(attempt__quiz=quiz, attempt__state=QuizAttempt.State.GRADED)
        .select_related("attempt", "question_version")
        .only(
            "attempt_id",
            "question_id",
            "question_version_id",
            "answer",
            "fraction",
            "points",
            "attempt__points_earned",
            "attempt__points_possible",
            "question_version__id",
            "question_version__question_id",
            "question_version__number",
            "question_version__content",
        )
    )
    versions = {
        (r.question_version.question_id, r.question_version.number): r.question_version
        for r in responses
    }
    drawn = {key[0] for key in versions}
    fixed = [
        qid
        for qid in quiz.fixed_questions.values_list("question_id", flat=True)
        if qid not in drawn
    ]
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=drawn | set(fixed)).prefetch_related(
            Prefetch("options", queryset=QuestionOption.objects.order_by("sort_order", "pk"))
        )
    }
    options = {key: _option_infos(version.snapshot) for key, version in versions.items()}
    options.update(
        {
            (qid, None): _option_infos(questions[qid], questions[qid].options.all())
            for qid in fixed
            if qid in questions
        }
    )
    rows = []
    for response in responses:
        possible = float(response.attempt.points_possible or 0)
        version = response.question_version
        rows.append(
            item_analysis.ItemResponse(
                attempt_id=response.attempt_id,
                question_id=response.question_id,
                version=version.number,
                item_score=float(response.fraction or 0),
                attempt_score=float(response.attempt.points_earned) / possible if possible else 0.0,
                item_weight=float(response.points),
                attempt_weight=possible,
                chosen=_chosen_keys(version.snapshot, response.answer),
                answered=response.answer is not None,
            )
        )
    stats = item_analysis.analyse(rows, options)
    lines = [
        ItemRow(question=questions[key[0]], version=versions.get(key), stats=stats[key])
        for key in stats
        if key[0] in questions
    ]
    return sorted(lines, key=lambda row: (row.question.code, row.stats.version or 0))


def _option_infos(question, options=None) -> list[item_analysis.OptionInfo]:
    """`question` a version's snapshot (its options in order) or, with `options`, a bank
    question."""
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [
            item_analysis.OptionInfo(str(option.pk), option.text, option.is_correct)
            for option in (question.options if options is None else options)
        ]
    if question.qtype == QuestionType.TRUE_FALSE:
        return [
            item_analysis.OptionInfo("true", "true", question.true_false_answer),
            item_analysis.OptionInfo("false", "false", not question.true_false_answer),
        ]
    return []


def _chosen_keys(question, answer) -> tuple[str, ...]:
    if question is None or answer is None:
        return ()
    if question.qtype == QuestionType.SINGLE:
        return (str(answer),)
    if question.qtype == QuestionType.MULTIPLE:
        return tuple(str(a) for a in answer)
    if question.qtype == QuestionType.TRUE_FALSE:
        return (str(answer),)
    return ()
