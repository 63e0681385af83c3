"""The question bank and observation checklist items go through the two-person review, as
course pages do: a trainer's edit is a draft that no trainee or assessor sees; the author
submits it, a second trainer (or an admin) approves, and exactly the submitted revision goes
live. Trainers cannot publish or delete these snippets; an admin's deletion of a question
that attempts answered is refused with the reason.

Every door is tried through HTTP as the role that would use it."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Revision, TaskState, WorkflowContentType, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from content.models.observation import ObservationItem
from content.models.questions import Question
from content.models.review import STALE_SUBMISSION_MESSAGE
from content.services.review import REVIEW_WORKFLOW_NAME, REVIEWED_SNIPPET_MODELS
from people import roles
from people.services import roles_sync
from tests.factories.framework import make_observation
from tests.factories.people import make_trainer
from tests.factories.quizzes import answer_data, enrol, make_module, make_question, make_quiz
from tests.factories.workspace import workspace_build
from training.models.quiz_attempts import QuizAttempt

pytestmark = pytest.mark.django_db

OLD_TEXT, NEW_TEXT = "顧客詢問點數何時到期，應先說明什麼？", "顧客抱怨點數過期，第一步應做什麼？"
OLD_RIGHT, OLD_WRONG = "先查詢到期日並說明", "直接請顧客看網站"
NEW_RIGHT, NEW_WRONG = "先致歉並聆聽顧客說明", "立即補發點數"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(model, name: str, *args) -> str:
    return reverse(model.snippet_viewset.get_url_name(name), args=args)


def _approve_url(obj, task_state) -> str:
    return _url(type(obj), "workflow_action", obj.pk, "approve", task_state.pk)


@pytest.fixture
def trainers(role_groups):
    return make_trainer(name="張雅婷"), make_trainer(name="李志明")


@pytest.fixture
def quiz_world(trainee, trainers):
    module = make_module()
    question = make_question(
        "single",
        code="points-expiry",
        text=OLD_TEXT,
        options=[(OLD_RIGHT, True), (OLD_WRONG, False)],
    )
    quiz = make_quiz(module, [question], attempts_allowed=0)
    enrol(trainee, module)
    return quiz, question


def _question_form(question: Question, text: str, options, action: str | None = None) -> dict:
    """The edit form as the admin posts it: `options` are (text, is_correct) in the order of
    the question's existing options (kept, by id)."""
    existing = list(question.options.order_by("sort_order", "pk"))
    rows = [
        {
            "id": str(option.pk),
            "text": option_text,
            "is_correct": "on" if correct else "",
            "match_text": "",
            "feedback": "",
            "ORDER": str(i + 1),
        }
        for i, (option, (option_text, correct)) in enumerate(zip(existing, options, strict=True))
    ]
    data = {
        "code": question.code,
        "qtype": question.qtype,
        "text": text,
        "difficulty": question.difficulty,
        "points": "1",
        "partial_credit": question.partial_credit,
        "penalty": "1",
        "true_false_answer": "on",
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "model_answer": "",
        "feedback": "說明",
        "tags": "",
        "options": inline_formset(rows, initial=len(existing)),
        "rubric_criteria": inline_formset([]),
    }
    if action:
        data[action] = "1"
    return nested_form_data(data)


def _new_form(code: str, text: str, indicators=(), action: str | None = None) -> dict:
    data = {
        "code": code,
        "qtype": "single",
        "text": text,
        "difficulty": "easy",
        "points": "1",
        "partial_credit": "all_or_nothing",
        "penalty": "1",
        "true_false_answer": "on",
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "model_answer": "",
        "feedback": "",
        "tags": "",
        "options": inline_formset(
            [
                {"text": "甲", "is_correct": "on", "match_text": "", "feedback": ""},
                {"text": "乙", "is_correct": "", "match_text": "", "feedback": ""},
            ]
        ),
        "rubric_criteria": inline_formset([]),
    }
    if action:
        data[action] = "1"
    data = nested_form_data(data)
    data["indicators"] = [str(indicator.pk) for indicator in indicators]
    return data


def _attempt_page(client: Client, quiz) -> tuple[QuizAttempt, str]:
    """The trainee starts a new attempt: what it shows."""
    response = client.post(reverse("training:quiz_start", args=[quiz.pk]))
    assert response.status_code == 302, response.content[:500]
    attempt = QuizAttempt.objects.filter(quiz=quiz).order_by("-pk").first()
    html = client.get(response["Location"]).content.decode()
    return attempt, html


def _submit_right_answers(client: Client, attempt: QuizAttempt) -> QuizAttempt:
    """Answer with the key of the question as drawn (the live row)."""
    client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    attempt.refresh_from_db()
    assert attempt.state != QuizAttempt.State.IN_PROGRESS
    return attempt


def _task_state(obj) -> TaskState:
    return TaskState.objects.get(
        workflow_state__base_content_type__model=type(obj)._meta.model_name,
        workflow_state__object_id=str(obj.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    )


def _messages(response) -> list[str]:
    return [str(m).strip() for m in response.context["messages"]]


# --- questions ------------------------------------------------------------------------------


def test_a_draft_edit_reaches_no_trainee_and_trainers_cannot_publish(
    quiz_world, trainers, trainee_client
):
    quiz, question = quiz_world
    author = _client(trainers[0])
    edit_url = _url(Question, "edit", question.pk)

    edit = author.get(edit_url).content.decode()
    assert 'name="action-submit"' in edit
    assert 'name="action-publish"' not in edit

    new = [(NEW_WRONG, False), (NEW_RIGHT, True)]  # the key moves to the second option
    assert author.post(edit_url, _question_form(question, NEW_TEXT, new)).status_code == 302
    # A forged "Publish" saves one more draft and publishes nothing.
    author.post(edit_url, _question_form(question, NEW_TEXT, new, "action-publish"))
    question.refresh_from_db()
    assert question.live and question.text == OLD_TEXT and question.live_revision_id is None
    assert question.has_unpublished_changes
    assert list(question.options.values_list("text", "is_correct")) == [
        (OLD_RIGHT, True),
        (OLD_WRONG, False),
    ]
    # The draft is kept: the editor shows it to its author.
    assert NEW_TEXT in author.get(edit_url).content.decode()

    attempt, html = _attempt_page(trainee_client, quiz)
    assert OLD_TEXT in html and OLD_RIGHT in html and OLD_WRONG in html
    assert NEW_TEXT not in html and NEW_RIGHT not in html
    attempt = _submit_right_answers(trainee_client, attempt)
    assert attempt.points_earned == attempt.points_possible > 0  # graded on the old key


def test_submitted_the_author_cannot_approve_a_second_trainer_does(
    quiz_world, trainers, trainee_client
):
    quiz, question = quiz_world
    author_user, reviewer_user = trainers
    author, reviewer = _client(author_user), _client(reviewer_user)
    edit_url = _url(Question, "edit", question.pk)
    new = [(NEW_RIGHT, True), (NEW_WRONG, False)]
    response = author.post(edit_url, _question_form(question, NEW_TEXT, new, "action-submit"))
    assert response.status_code == 302
    state = WorkflowState.objects.get(
        base_content_type__model="question", object_id=str(question.pk)
    )
    assert state.workflow.name == REVIEW_WORKFLOW_NAME and state.requested_by == author_user
    task_state = _task_state(question)
    question.refresh_from_db()
    assert question.text == OLD_TEXT and question.live and question.workflow_in_progress

    # The author's own approval is refused (and not offered in the editor).
    assert 'data-workflow-action-name="approve"' not in author.get(edit_url).content.decode()
    assert 'data-workflow-action-name="approve"' in reviewer.get(edit_url).content.decode()
    author.post(_approve_url(question, task_state), {"comment": ""})
    question.refresh_from_db()
    task_state.refresh_from_db()
    assert question.text == OLD_TEXT and task_state.status == TaskState.STATUS_IN_PROGRESS
    _attempt, html = _attempt_page(trainee_client, quiz)
    assert OLD_TEXT in html and NEW_TEXT not in html
    _submit_right_answers(trainee_client, _attempt)

    # The list shows it awaiting review.
    listing = reviewer.get(_url(Question, "list")).content.decode()
    with translation.override("zh-hant"):
        from django.utils.translation import gettext

        in_moderation = gettext("live + in moderation")
    assert in_moderation in listing

    # A second trainer approves: exactly the submitted revision goes live.
    response = reviewer.post(_approve_url(question, task_state), {"comment": "好"})
    assert response.status_code in (200, 302)
    question.refresh_from_db()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == reviewer_user
    assert question.text == NEW_TEXT and question.live_revision_id == task_state.revision_id
    assert list(question.options.order_by("sort_order").values_list("text", "is_correct")) == [
        (NEW_RIGHT, True),
        (NEW_WRONG, False),
    ]
    _attempt, html = _attempt_page(trainee_client, quiz)
    assert NEW_TEXT in html and NEW_RIGHT in html and OLD_TEXT not in html


def test_approval_after_the_submitter_saved_a_newer_draft_is_refused(quiz_world, trainers):
    _quiz, question = quiz_world
    author_user, reviewer_user = trainers
    author, reviewer = _client(author_user), _client(reviewer_user)
    edit_url = _url(Question, "edit", question.pk)
    new = [(NEW_RIGHT, True), (NEW_WRONG, False)]
    author.post(edit_url, _question_form(question, NEW_TEXT, new, "action-submit"))
    task_state = _task_state(question)
    # The submitter keeps editing: a newer draft the reviewer has not seen.
    author.post(edit_url, _question_form(question, "再改過的題目", new))
    newest = Revision.objects.for_instance(question).order_by("-pk").first()
    assert newest.pk != task_state.revision_id

    edit = reviewer.get(edit_url)
    with translation.override("zh-hant"):
        stale = str(STALE_SUBMISSION_MESSAGE)
    assert stale in _messages(edit)
    reviewer.post(_approve_url(question, task_state), {"comment": ""})
    # Nor through the editor's "approve" with an edit attached.
    reviewer.post(
        edit_url,
        {
            **_question_form(question, "審閱者的修改", new, "action-workflow-action"),
            "workflow-action-name": "approve",
        },
    )
    question.refresh_from_db()
    task_state.refresh_from_db()
    assert question.text == OLD_TEXT and question.live_revision_id is None
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_approval_is_refused_when_the_submitted_revision_was_overwritten(quiz_world, trainers):
    """Wagtail's autosave overwrites its author's latest revision in place: once that is the
    revision under review, the reviewer would approve content they never saw."""
    _quiz, question = quiz_world
    author_user, reviewer_user = trainers
    author, reviewer = _client(author_user), _client(reviewer_user)
    edit_url = _url(Question, "edit", question.pk)
    new = [(NEW_RIGHT, True), (NEW_WRONG, False)]
    author.post(edit_url, _question_form(question, NEW_TEXT, new, "action-submit"))
    task_state = _task_state(question)
    author.post(
        edit_url,
        {
            **_question_form(question, "偷改的題目", new),
            "overwrite_revision_id": str(task_state.revision_id),
        },
    )
    question.refresh_from_db()
    assert question.latest_revision_id == task_state.revision_id  # same revision, new text

    reviewer.post(_approve_url(question, task_state), {"comment": ""})
    question.refresh_from_db()
    task_state.refresh_from_db()
    assert question.text == OLD_TEXT and task_state.status == TaskState.STATUS_IN_PROGRESS


def test_a_new_draft_question_is_not_drawn_until_approved(trainee, trainers, trainee_client):
    module = make_module()
    indicator = module.course.unit.indicators.order_by("sort_order").first()
    live = make_question("single", code="live-one", text="已上線的題目", indicators=[indicator])
    quiz = make_quiz(module, selection="per_indicator", draw_count=5, attempts_allowed=0)
    enrol(trainee, module)
    author, reviewer = _client(trainers[0]), _client(trainers[1])

    form = _new_form("draft-one", "尚在草稿的題目", [indicator])
    assert author.post(_url(Question, "add"), form).status_code == 302
    draft = Question.objects.get(code="draft-one")
    assert not draft.live and not draft.workflow_in_progress
    assert list(draft.indicators.all()) == [indicator]  # mapped like its live neighbour

    attempt, html = _attempt_page(trainee_client, quiz)
    assert "已上線的題目" in html and "尚在草稿的題目" not in html
    assert list(attempt.responses.values_list("question_id", flat=True)) == [live.pk]
    _submit_right_answers(trainee_client, attempt)

    form = _new_form("draft-one", "尚在草稿的題目", [indicator], "action-submit")
    assert author.post(_url(Question, "edit", draft.pk), form).status_code == 302
    _attempt, html = _attempt_page(trainee_client, quiz)
    assert "尚在草稿的題目" not in html  # in moderation is not live either
    _submit_right_answers(trainee_client, _attempt)

    reviewer.post(_approve_url(draft, _task_state(draft)), {"comment": ""})
    draft.refresh_from_db()
    assert draft.live
    _attempt, html = _attempt_page(trainee_client, quiz)
    assert "已上線的題目" in html and "尚在草稿的題目" in html


# --- observation items ----------------------------------------------------------------------


def _item_form(item: ObservationItem, text: str, action: str | None = None) -> dict:
    data = {
        "indicator": str(item.indicator_id),
        "text": text,
        "assessment_method": item.assessment_method,
        "contexts": list(item.contexts),
        "sort_order": str(item.sort_order),
    }
    if action:
        data[action] = "1"
    return data


def test_observation_item_changes_reach_the_checklist_only_after_approval(
    trainee, assessor, trainers, client_as
):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    item = ObservationItem.objects.get(indicator__unit=ws.unit)
    old_text, new_text = item.text, "主動說明點數方案並確認顧客理解"
    author_user, reviewer_user = trainers
    author, reviewer = _client(author_user), _client(reviewer_user)
    assessor_client, _user = client_as("assessor")
    edit_url = _url(ObservationItem, "edit", item.pk)

    def checklist() -> str:
        response = assessor_client.post(
            reverse("assessments:observation_start", args=[trainee.pk, "observation"]),
            {"context": "till"},
        )
        assert response.status_code == 302
        return assessor_client.get(response["Location"]).content.decode()

    assert 'name="action-publish"' not in author.get(edit_url).content.decode()
    assert author.post(edit_url, _item_form(item, new_text, "action-publish")).status_code == 302
    item.refresh_from_db()
    assert item.text == old_text and item.has_unpublished_changes
    html = checklist()
    assert old_text in html and new_text not in html

    author.post(edit_url, _item_form(item, new_text, "action-submit"))
    task_state = _task_state(item)
    author.post(_approve_url(item, task_state), {"comment": ""})  # own submission: refused
    item.refresh_from_db()
    assert item.text == old_text
    html = checklist()
    assert old_text in html and new_text not in html

    reviewer.post(_approve_url(item, task_state), {"comment": ""})
    item.refresh_from_db()
    assert item.text == new_text and item.live_revision_id == task_state.revision_id
    html = checklist()
    assert new_text in html


def test_a_new_observation_item_is_not_on_the_checklist_until_approved(
    trainee, assessor, trainers, client_as
):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    author = _client(trainers[0])
    response = author.post(
        _url(ObservationItem, "add"),
        {
            "indicator": str(ws.indicators[1].pk),
            "text": "結帳時主動提醒點數",
            "contexts": ["till"],
            "sort_order": "1",
        },
    )
    assert response.status_code == 302
    item = ObservationItem.objects.get(text="結帳時主動提醒點數")
    assert not item.live
    assessor_client, _user = client_as("assessor")
    response = assessor_client.post(
        reverse("assessments:observation_start", args=[trainee.pk, "observation"]),
        {"context": "till"},
    )
    assert "結帳時主動提醒點數" not in assessor_client.get(response["Location"]).content.decode()


# --- deleting ------------------------------------------------------------------------------


def test_trainers_cannot_delete_questions_or_observation_items(quiz_world, trainers):
    _quiz, question = quiz_world
    item = make_observation(question.indicators.first() or _an_indicator())
    client = _client(trainers[0])
    for obj in (question, item):
        url = _url(type(obj), "delete", obj.pk)
        assert client.get(url).status_code == 302
        assert client.post(url).status_code == 302
        assert type(obj).objects.filter(pk=obj.pk).exists()


def _an_indicator():
    from tests.factories.quizzes import make_unit

    return make_unit().indicators.first()


def test_admin_deleting_an_answered_question_is_refused_with_the_reason(
    quiz_world, trainee_client, client_as
):
    quiz, question = quiz_world
    attempt, _html = _attempt_page(trainee_client, quiz)
    admin, _user = client_as("admin")
    url = _url(Question, "delete", question.pk)
    response = admin.post(url, follow=True)
    assert response.status_code == 200
    with translation.override("zh-hant"):
        from django.utils.translation import gettext

        refusal_start = gettext(
            "“%(object)s” cannot be deleted: records that must be kept refer to it: %(records)s."
        ).split("%(object)s")[0]
    assert any(m.startswith(refusal_start) and question.code in m for m in _messages(response))
    assert Question.objects.filter(pk=question.pk).exists()
    assert attempt.responses.filter(question=question).exists()


# --- roles ----------------------------------------------------------------------------------


def test_roles_sync_is_idempotent_and_trainers_hold_no_publish_or_delete_on_content(
    role_groups,
):
    trainer_group = role_groups[roles.TRAINER]
    publish = Permission.objects.get(content_type__app_label="content", codename="publish_question")
    trainer_group.permissions.add(publish)  # left by an earlier version
    roles_sync()
    first = set(trainer_group.permissions.values_list("content_type__app_label", "codename"))
    roles_sync()
    second = set(trainer_group.permissions.values_list("content_type__app_label", "codename"))
    assert first == second
    content = {codename for app, codename in first if app == "content"}
    assert not {c for c in content if c.startswith(("publish_", "delete_"))}
    for model in ("question", "observationitem"):
        assert {f"add_{model}", f"change_{model}", f"lock_{model}", f"unlock_{model}"} <= content
    assert WorkflowContentType.objects.filter(workflow__name=REVIEW_WORKFLOW_NAME).count() == len(
        REVIEWED_SNIPPET_MODELS
    )
    for model in REVIEWED_SNIPPET_MODELS:
        assert model.get_default_workflow().name == REVIEW_WORKFLOW_NAME
