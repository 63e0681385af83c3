"""Item analysis after real attempts, in the Wagtail admin, and its CSV export."""

import csv
import io
import random

import pytest
from django.urls import reverse

from core.spreadsheets import neutralise as csv_safe
from tests.factories.people import make_trainee
from tests.factories.quizzes import (
    FormData,
    answer_data,
    enrol,
    make_module,
    make_question,
    make_quiz,
)
from training.selectors.quizzes import quiz_item_analysis
from training.services import quizzes as services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


def answered_quiz(n_trainees=6):
    """Trainee i answers i of the three 'skill' questions right; the 'broken' question is
    answered right only by the weakest trainees; nobody picks the distractor '乙'."""
    module = make_module()
    skill = [make_question("single") for _ in range(3)]
    broken = make_question(
        "single",
        text="=cmd|' /C calc'!A0",
        options=[("甲（正確）", True), ("乙", False), ("丙", False)],
    )
    quiz = make_quiz(module, [*skill, broken], shuffle_options=False, attempts_allowed=0)
    for i in range(n_trainees):
        trainee = make_trainee()
        enrol(trainee, module)
        attempt = services.quiz_attempt_start(quiz=quiz, trainee=trainee, rng=random.Random(i))
        data = FormData(answer_data(attempt, correct=False))
        right = FormData(answer_data(attempt, correct=True))
        for slot in range(1, i % 4 + 1):
            data[f"q{slot}"] = right[f"q{slot}"]
        data["q4"] = "0" if i % 4 == 0 else "2"  # weakest right; others pick 丙
        services.quiz_attempt_submit(
            attempt_id=attempt.pk, trainee=trainee, data=data, sequence=int(data["seq"])
        )
    return quiz, skill, broken


def test_real_figures_after_attempts():
    quiz, skill, broken = answered_quiz(8)
    rows = {row.question.pk: row.stats for row in quiz_item_analysis(quiz)}
    stats = rows[broken.pk]
    assert stats.answered == 8
    assert stats.facility == pytest.approx(2 / 8)
    assert stats.discrimination < 0
    assert "negative_discrimination" in stats.flags
    assert "distractor_never_chosen" in stats.flags
    counts = {option.label: n for option, n in stats.option_counts}
    assert counts == {"甲（正確）": 2, "乙": 0, "丙": 6}
    first = rows[skill[0].pk]
    assert first.facility == pytest.approx(6 / 8)
    assert first.discrimination > 0


@pytest.mark.parametrize("role", ROLES)
def test_item_analysis_pages_per_role(client_as, role):
    quiz, _skill, broken = answered_quiz(6)
    client, _user = client_as(role)
    urls = [
        reverse("item_analysis:index"),
        reverse("item_analysis:detail", args=[quiz.pk]),
        reverse("item_analysis:csv", args=[quiz.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if role in ("trainer", "admin"):
            assert response.status_code == 200, url
        else:
            # Wagtail sends people without admin access to its login page.
            assert response.status_code == 302, url
            assert "/admin/login/" in response["Location"]
    if role == "trainer":
        html = client.get(urls[1]).content.decode()
        assert 'data-testid="item-analysis"' in html and "丙" in html
        assert client.get(reverse("item_analysis:detail", args=[999999])).status_code == 404


def test_csv_export_neutralises_formulas(client_as):
    quiz, _skill, _broken = answered_quiz(6)
    client, _user = client_as("trainer")
    response = client.get(reverse("item_analysis:csv", args=[quiz.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    texts = [row[1] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in texts
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+886", "'+886"),
        ("-3", "'-3"),
        ("@SUM", "'@SUM"),
        ("正常", "正常"),
        (None, ""),
        (0.5, "0.5"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_item_analysis_query_count_does_not_grow(django_assert_max_num_queries):
    small, _s, _b = answered_quiz(3)
    large, _s2, _b2 = answered_quiz(10)
    for quiz in (small, large):
        with django_assert_max_num_queries(4):
            quiz_item_analysis(quiz)


@pytest.mark.parametrize("role", ("trainer", "admin"))
def test_admin_menu_links_to_item_analysis_and_marking(client_as, role):
    client, _user = client_as(role)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("item_analysis:index") in html
    # Marking is assessment (issue 13): offered to admins, not to trainers as such.
    assert (reverse("training:marking_queue") in html) is (role == "admin")


def test_xlsx_download_from_the_report_header(client_as):
    import openpyxl

    quiz, _skill, _broken = answered_quiz(6)
    client, _user = client_as("trainer")
    response = client.get(reverse("item_analysis:detail", args=[quiz.pk]), {"export": "xlsx"})
    assert response["Content-Disposition"] == f'attachment; filename="item-analysis-{quiz.pk}.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 5 and "'=cmd|' /C calc'!A0" in [row[1] for row in rows]
    assert [row[3] for row in rows[1:]] == [6, 6, 6, 6]  # numbers stay numbers
