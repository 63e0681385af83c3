"""The audit trail is complete and append-only: page and snippet changes in the Wagtail
admin, retiring through a publish, role changes in the user admin, assessor assignments
removed and written answers marked each leave a row that the admin finds in the audit log
(/assess/audit/) and its CSV, naming who did it. Rows cannot be changed or deleted: by the
model layer everywhere and, on PostgreSQL, by the database itself."""

import csv
import io
import random
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from wagtail.models import Page

from assessments.models.assignments import AssessorAssignment
from assessments.services.workspace import assessor_assignment_create
from content.models.questions import Question
from core.append_only import AppendOnlyError
from core.audit import audit_record
from core.models import AuditEntry
from people import roles
from tests.factories.learning import lessons_of, make_learning_course
from tests.factories.people import make_trainee
from tests.factories.quizzes import answer_data, make_module, make_question, make_quiz, quiz_setup
from tests.factories.workspace import workspace_build
from training.models.quiz_attempts import QuizResponse
from training.services import quizzes as quiz_services

pytestmark = pytest.mark.django_db


def _audit_html(client, kind: str = "") -> str:
    url = reverse("assessments:audit") + (f"?kind={kind}" if kind else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _audit_csv(client, kind: str = "") -> list[list[str]]:
    url = reverse("assessments:audit_csv") + (f"?kind={kind}" if kind else "")
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def _csv_rows_for(client, action: str) -> list[list[str]]:
    return [row for row in _audit_csv(client) if len(row) > 2 and row[2] == action]


def _only(action: str, **filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action, **filters))
    assert len(entries) == 1, [e.action for e in AuditEntry.objects.all()]
    return entries[0]


def _shown_to_admin(client, admin, action: str, text: str) -> None:
    """The admin sees the row in the page and in the CSV, with themselves as who."""
    html = _audit_html(client)
    assert action in html and text in html
    rows = [row for row in _csv_rows_for(client, action) if f"({admin.username})" in row[1]]
    assert len(rows) == 1
    assert text in rows[0][6]


# --- pages and snippets in the Wagtail admin -------------------------------------------------


@pytest.fixture
def lesson(role_groups):
    course = make_learning_course(modules=2, lessons_per_module=1)
    return lessons_of(course)[0]


def test_admin_deleting_a_page_is_audited(admin_client_, admin_user, lesson):
    title, path = lesson.title, lesson.url_path
    response = admin_client_.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=lesson.pk).exists()
    entry = _only("page.deleted")
    assert entry.actor == admin_user
    assert entry.data["id"] == lesson.pk and entry.data["path"] == path
    _shown_to_admin(admin_client_, admin_user, "page.deleted", title)


def test_admin_unpublishing_a_page_is_audited(admin_client_, admin_user, lesson):
    response = admin_client_.post(reverse("wagtailadmin_pages:unpublish", args=[lesson.pk]))
    assert response.status_code == 302
    assert not Page.objects.get(pk=lesson.pk).live
    entry = _only("page.unpublished")
    assert entry.actor == admin_user and entry.object_id == lesson.pk
    _shown_to_admin(admin_client_, admin_user, "page.unpublished", lesson.title)


def test_admin_moving_a_page_is_audited_with_where_from_and_to(admin_client_, admin_user, lesson):
    source = lesson.get_parent()
    destination = source.get_next_sibling()
    response = admin_client_.post(
        reverse("wagtailadmin_pages:move_confirm", args=[lesson.pk, destination.pk])
    )
    assert response.status_code == 302
    assert Page.objects.get(pk=lesson.pk).get_parent().pk == destination.pk
    entry = _only("page.moved")
    assert entry.actor == admin_user
    assert entry.data["from"]["id"] == source.pk and entry.data["to"]["id"] == destination.pk
    _shown_to_admin(admin_client_, admin_user, "page.moved", lesson.title)


def test_admin_deleting_a_snippet_is_audited(admin_client_, admin_user, role_groups):
    question = make_question("single")
    question_id, text = question.pk, str(question)
    url = reverse("wagtailsnippets_content_question:delete", args=[question.pk])
    assert admin_client_.post(url).status_code == 302
    assert not Question.objects.filter(pk=question_id).exists()
    entry = _only("snippet.deleted")
    assert entry.actor == admin_user and entry.object_id == question_id
    _shown_to_admin(admin_client_, admin_user, "snippet.deleted", text[:40])


class _FormFields(HTMLParser):
    """What a browser would post from the form with the given id (no JavaScript needed by
    the fields posted here: inputs, checkboxes, selects and textareas)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
                return
            self.data.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _edit_form_data(client, page) -> dict:
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    parser = _FormFields("page-edit-form")
    parser.feed(html)
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def test_retiring_a_quiz_through_publishing_is_audited(admin_client_, admin_user, role_groups):
    module = make_module()
    quiz = make_quiz(module, [make_question("single")])
    quiz.save_revision(user=admin_user).publish()
    data = _edit_form_data(admin_client_, quiz)
    assert "retired" not in data
    data.update({"retired": "on", "action-publish": "action-publish"})
    response = admin_client_.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    quiz.refresh_from_db()
    assert quiz.retired and quiz.live
    entry = _only("page.retired")
    assert entry.actor == admin_user and entry.object_id == quiz.pk
    assert entry.data["revision"] == quiz.live_revision_id
    _shown_to_admin(admin_client_, admin_user, "page.retired", quiz.title)
    # Publishing again without changing `retired` records nothing new; un-retiring does.
    data = _edit_form_data(admin_client_, quiz)
    data["action-publish"] = "action-publish"
    admin_client_.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)
    assert AuditEntry.objects.filter(action__startswith="page.").count() == 1
    data.pop("retired")
    admin_client_.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)
    assert _only("page.unretired").actor == admin_user


# --- roles and assignments --------------------------------------------------------------------


def test_admin_changing_a_users_groups_is_audited_with_before_and_after(
    admin_client_, admin_user, role_groups
):
    user = make_trainee(name="林小美")
    assessor_group = Group.objects.get(name=roles.ASSESSOR)
    data = {
        "username": user.username,
        "email": user.email or "someone@example.test",
        "first_name": "林",
        "last_name": "小美",
        "groups": [str(assessor_group.pk)],
    }  # is_active unticked: the account is deactivated too
    response = admin_client_.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert response.status_code == 302
    entry = _only("user.roles_changed", actor=admin_user)
    assert entry.object_id == user.pk
    assert entry.trainee is None  # a role change alone does not protect the account
    assert entry.data["before"] == {
        "groups": [roles.TRAINEE],
        "is_superuser": False,
        "is_active": True,
    }
    assert entry.data["after"] == {
        "groups": [roles.ASSESSOR],
        "is_superuser": False,
        "is_active": False,
    }
    _shown_to_admin(admin_client_, admin_user, "user.roles_changed", "+Assessor")
    # Saving again without a change records nothing.
    admin_client_.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert AuditEntry.objects.filter(action="user.roles_changed", actor=admin_user).count() == 1


def test_bulk_assigning_a_role_is_audited(admin_client_, admin_user, role_groups):
    user = make_trainee(name="王大明")
    trainer_group = Group.objects.get(name=roles.TRAINER)
    url = reverse("wagtail_bulk_action", args=("people", "user", "assign_role")) + f"?id={user.pk}"
    response = admin_client_.post(url, {"role": trainer_group.pk})
    assert response.status_code == 302
    entry = _only("user.roles_changed", actor=admin_user)
    assert entry.object_id == user.pk
    assert entry.data["after"]["groups"] == sorted([roles.TRAINEE, roles.TRAINER])


def test_removing_an_assessor_assignment_is_audited(
    admin_client_, admin_user, assessor, assessor_client, trainee
):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    assignment = AssessorAssignment.objects.get(assessor=assessor, cohort=ws.cohort)
    assert assessor_client.get(reverse("assessments:trainee", args=[trainee.pk])).status_code == 200
    url = reverse("assessments:assignment_remove", args=[assignment.pk])
    assert assessor_client.post(url).status_code == 403  # admins only
    page = admin_client_.get(reverse("assessments:assignments")).content.decode()
    assert url in page
    response = admin_client_.post(url)
    assert response.status_code == 302
    assert not AssessorAssignment.objects.filter(pk=assignment.pk).exists()
    # The assessor loses access at once.
    assert assessor_client.get(reverse("assessments:trainee", args=[trainee.pk])).status_code == 404
    entry = _only("assignment.removed")
    assert entry.actor == admin_user and entry.object_id == assignment.pk
    _shown_to_admin(admin_client_, admin_user, "assignment.removed", assessor.printed_name)
    assert admin_client_.post(url).status_code == 404


def test_assignment_created_then_removed_both_show_under_the_assignment_filter(
    admin_client_, admin_user, assessor, role_groups
):
    from people.models import Cohort

    cohort = Cohort.objects.create(code="c-audit", name="稽核梯次")
    assignment = assessor_assignment_create(admin=admin_user, assessor=assessor, cohort=cohort)
    admin_client_.post(reverse("assessments:assignment_remove", args=[assignment.pk]))
    audit_record(actor=admin_user, action="certificate.issued", obj=None, summary="其他紀錄")
    html = _audit_html(admin_client_, kind="assignment")
    assert "assignment.created" in html and "assignment.removed" in html
    assert "certificate.issued" not in html
    actions = [row[2] for row in _audit_csv(admin_client_, kind="assignment")[1:]]
    assert actions == ["assignment.created", "assignment.removed"]


# --- marking a written answer -----------------------------------------------------------------


def test_marking_a_written_answer_is_audited_naming_the_trainee(
    admin_client_, admin_user, assessor, assessor_client, trainee
):
    workspace_build(assessor=assessor, trainees=[trainee])
    quiz, _questions = quiz_setup(trainee, types=("single", "written"), pass_mark=50)
    attempt = quiz_services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(3))
    trainee_client = _login(trainee)
    trainee_client.post(reverse("training:quiz_submit", args=[attempt.pk]), answer_data(attempt))
    written = attempt.responses.get(status=QuizResponse.Status.NEEDS_MARKING)
    response = assessor_client.post(
        reverse("assessments:marking_mark", args=[written.pk]),
        {"score": "1", "comment": "說明清楚"},
    )
    assert response.status_code == 302
    entry = _only("quiz_response.marked")
    assert entry.actor == assessor and entry.trainee == trainee
    assert entry.object_id == written.pk
    assert entry.data["comment"] == "說明清楚" and entry.data["score"] == "1"
    html = _audit_html(admin_client_, kind="quiz_response")
    assert "quiz_response.marked" in html and trainee.printed_name in html
    rows = _csv_rows_for(admin_client_, "quiz_response.marked")
    assert rows[0][1].startswith(assessor.printed_name) and rows[0][5] == trainee.printed_name


def _login(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- append-only ------------------------------------------------------------------------------


def test_audit_rows_cannot_be_changed_or_deleted(admin_user):
    entry = audit_record(actor=admin_user, action="page.deleted", obj=None, summary="x")
    entry.summary = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "x"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only"
)
def test_postgresql_trigger_refuses_raw_update_and_delete_of_audit_rows(admin_user):
    from core.db_guards import install_append_only_triggers

    assert install_append_only_triggers(connection)
    entry = audit_record(actor=admin_user, action="page.deleted", obj=None, summary="x")
    for sql in (
        "UPDATE core_auditentry SET summary = 'y' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "x"


def test_the_audit_log_is_for_admins_only(client_as):
    for role in ("trainee", "trainer", "assessor"):
        client, _user = client_as(role)
        assert client.get(reverse("assessments:audit")).status_code in (302, 403)
        assert client.get(reverse("assessments:audit_csv")).status_code in (302, 403)


@pytest.mark.parametrize("role", ["trainee", "trainer", "assessor"])
def test_only_admins_remove_assignments_and_only_they_are_offered_it(
    role, client_as, admin_client_, assessor, trainee
):
    ws = workspace_build(assessor=assessor, trainees=[trainee])
    assignment = AssessorAssignment.objects.get(assessor=assessor, cohort=ws.cohort)
    url = reverse("assessments:assignment_remove", args=[assignment.pk])
    client, _user = client_as(role)
    page = client.get(reverse("assessments:assignments"))
    assert page.status_code == 403 and url not in page.content.decode()
    assert client.post(url).status_code == 403
    assert AssessorAssignment.objects.filter(pk=assignment.pk).exists()
    assert not AuditEntry.objects.filter(action="assignment.removed").exists()
    assert url in admin_client_.get(reverse("assessments:assignments")).content.decode()
