"""Quiz pages in the Wagtail admin and on the site, per role."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories.quizzes import make_module, quiz_setup

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_add_and_edit_quiz_page_per_role(client_as, role):
    module = make_module()
    quiz, _questions = quiz_setup(None)
    client, _user = client_as(role)
    add = client.get(reverse("wagtailadmin_pages:add", args=["content", "quizpage", module.pk]))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    if role in ("trainer", "admin"):
        assert add.status_code == 200 and edit.status_code == 200
        assert "fixed_questions" in edit.content.decode()
    else:
        assert add.status_code == 302 and edit.status_code == 302


@pytest.mark.parametrize("role", ("trainer", "assessor", "admin"))
def test_staff_see_the_quiz_settings_on_the_site(client_as, role):
    quiz, _questions = quiz_setup(None, pass_mark=80)
    client, _user = client_as(role)
    response = client.get(quiz.url)
    assert response.status_code == 200
    assert "80%" in response.content.decode()


def test_close_overdue_command(capsys):
    call_command("close_overdue_quiz_attempts")
    assert "closed 0" in capsys.readouterr().out
