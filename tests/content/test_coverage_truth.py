"""Coverage that tells the truth: lessons teach but are never evidence; drafts, items in
review and practice questions are shown apart and never counted; K, S and key evidence
items have gap rules; the blank K5.1 is not a target. The screen, the CSV / XLSX / PDF
exports, the course publish gate and `manage.py coverage_report` all say the same."""

import csv
import importlib
import io
import json
import shutil
import subprocess

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models.framework import AssessmentMethod, CompetencyItem
from content.pages.quiz import QuizBlueprintRow, QuizPage
from content.selectors.mapping import course_mapping_gaps, mapping_matrix
from tests.factories.framework import (
    import_seed,
    make_course,
    make_framework_unit,
    make_lesson,
    make_observation,
)
from tests.factories.quizzes import make_question, make_quiz
from tests.factories.scenarios import make_scenario

pytestmark = pytest.mark.django_db

LESSON = "T4.1 會員回饋整理"  # a lesson's title; its matrix label is 課堂：<title>


def _row(matrix, code):
    return next(r for r in matrix.rows if r.code == code)


def _html_row(body: str, code: str) -> str:
    start = body.index(f'data-code="{code}"')
    return body[start : body.index("</tr>", start)]


@pytest.fixture
def taught_only():
    """The seed unit and a course in which T4.1 is only taught: a published lesson maps to
    it; no instrument does."""
    unit = import_seed()
    course, module = make_course(unit, slug="truth-course")
    make_lesson(module, indicators=[unit.indicators.get(code="T4.1")], title=LESSON)
    return unit, course, module


def _run_report(slug: str, fmt: str = "json") -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("coverage_report", slug, "--format", fmt, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


# ----------------------------------------------------------------- taught is not assessed


def test_lesson_form_offers_no_assessment_method(trainer_client, taught_only):
    _unit, _course, module = taught_only
    response = trainer_client.get(
        reverse("wagtailadmin_pages:add", args=["content", "lessonpage", module.pk])
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "assessment_method" not in form.fields
    assert "indicators" in form.fields  # the mapping itself stays


def test_matrix_page_shows_a_taught_only_indicator_as_a_gap(trainer_client, taught_only):
    _unit, course, _module = taught_only
    body = trainer_client.get(reverse("mapping_matrix:course", args=[course.pk])).content.decode()
    row = _html_row(body, "T4.1")
    assert "mapping-gap" in _row_classes(body, "T4.1")
    taught_cell = row[row.index('class="mapping-taught') :]
    assert f"課堂：{LESSON}" in taught_cell.split("</td>")[0]
    assert "T4.1 沒有實作評量方法" in row and "T4.1 沒有知識檢核" in row
    # No method cell of the row holds the lesson.
    assessed = [c.split("</td>")[0] for c in row.split('class="mapping-assessed')[1:]]
    assert len(assessed) == 5 and not any(LESSON in c for c in assessed)
    assert "T4.1" in body[body.index('id="mapping-gaps"') :]


def test_exports_show_the_gap_and_the_lesson_only_as_taught(trainer_client, taught_only):
    _unit, course, _module = taught_only
    export = reverse("mapping_matrix:course_export", args=[course.pk, "csv"])
    text = trainer_client.get(export).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[3] == "教學（不算證據）" and header[9].startswith("不計入")
    t41 = dict(zip(header, next(r for r in rows if r[0] == "T4.1"), strict=True))
    assert LESSON in t41["教學（不算證據）"] and not t41[header[9]]
    for _value, label in AssessmentMethod.choices:
        assert t41[str(label)] == ""  # no method cell holds the lesson
    assert "T4.1 沒有實作評量方法" in t41["缺口"]

    xlsx = trainer_client.get(reverse("mapping_matrix:course_export", args=[course.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    xheader = values[1]
    x41 = dict(zip(xheader, next(r for r in values if r[0] == "T4.1"), strict=True))
    assert LESSON in x41["教學（不算證據）"]
    assert "T4.1 沒有實作評量方法" in x41["缺口"]
    assert "不計入" in "".join(str(h) for h in xheader)  # the not-counted column is labelled


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_pdf_grid_shows_the_gap_on_a_few_pages(trainer_client, taught_only, tmp_path):
    _unit, course, _module = taught_only
    pdf = trainer_client.get(
        reverse("mapping_matrix:course_export", args=[course.pk, "pdf"])
    ).content
    path = tmp_path / "matrix.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "T4.1沒有實作評量方法" in flat
    pages = text.count("\f") or 1
    assert pages <= 4, pages  # an indicator × method grid, not a list of every item
    assert "E5" in flat and "K5.1" not in flat


def test_publish_gate_names_the_taught_only_indicator(trainer_client, admin_client_, taught_only):
    _unit, course, _module = taught_only
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    warnings = [str(m) for m in trainer_client.get(edit).context["messages"]]
    assert any("T4.1 沒有實作評量方法" in m for m in warnings)
    from tests.content.test_framework_admin import _course_post_data

    extra = {  # the course's sufficiency settings, as its form shows them
        name: getattr(course, name)
        for name in ("min_methods_per_indicator", "min_performance_occasions")
        if hasattr(course, name)
    }
    response = admin_client_.post(edit, _course_post_data(course, **extra))
    assert response.status_code == 200
    confirm = response.content.decode()
    gaps = confirm[confirm.index('id="publish-gaps"') :]
    assert "T4.1 沒有實作評量方法" in gaps[: gaps.index("</ul>")]


def test_command_prints_the_gap_and_exits_non_zero(taught_only):
    code, out = _run_report("truth-course")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"course", "gaps", "rows"} and report["course"] == "truth-course"
    assert "T4.1" in report["gaps"] and "E1" in report["gaps"] and "K5.1" not in report["gaps"]
    t41 = next(r for r in report["rows"] if r["code"] == "T4.1")
    assert set(t41) == {"code", "taught", "assessed"}
    assert t41["taught"] == [f"課堂：{LESSON}"]
    assert set(t41["assessed"]) == set(AssessmentMethod.values)
    assert not any(t41["assessed"].values())
    code, text = _run_report("truth-course", "text")
    assert code == 1 and "T4.1 沒有實作評量方法" in text


def test_command_exits_zero_once_everything_is_assessed():
    unit = make_framework_unit(tasks=1, indicators_per_task=2, knowledge=1, skills=1)
    make_course(unit, slug="covered-course")
    k1, s1 = unit.items.get(code="K1"), unit.items.get(code="S1")
    for indicator in unit.indicators.all():
        make_observation(indicator, method=AssessmentMethod.QUESTIONING, items=[k1])
        make_observation(indicator, method=AssessmentMethod.OBSERVATION, items=[s1])
    code, out = _run_report("covered-course")
    assert code == 0 and json.loads(out)["gaps"] == []
    with pytest.raises(CommandError) as caught:
        call_command("coverage_report", "no-such-course")
    assert caught.value.returncode == 2


# ----------------------------------------------------------------- only evidence counts


def test_draft_scenario_and_non_live_question_are_listed_apart(trainer_client):
    unit = import_seed()
    course, module = make_course(unit)
    scenario = make_scenario(module)  # published, practises T2.1 and T3.1
    matrix = mapping_matrix(unit, course=course)
    assert _row(matrix, "T2.1").cells.get("role_play")  # live: a role-play instrument
    assert not any("實作" in g for g in _row(matrix, "T2.1").gaps)

    scenario.unpublish()
    t11 = unit.indicators.get(code="T1.1")
    draft = make_question(indicators=[t11], live=False, text="草稿題：方案條件")
    make_quiz(module, [draft])  # a live assessment quiz holding the draft question
    matrix = mapping_matrix(unit, course=course)
    t21 = _row(matrix, "T2.1")
    assert not t21.cells.get("role_play") and any("實作" in g for g in t21.gaps)
    assert any(scenario.title in e.label and e.note == "尚未發布／審查中" for e in t21.held)
    t11_row = _row(matrix, "T1.1")
    assert not t11_row.cells.get("questioning") and any("知識檢核" in g for g in t11_row.gaps)
    assert [e.note for e in t11_row.held] == ["尚未發布／審查中"]

    body = trainer_client.get(reverse("mapping_matrix:course", args=[course.pk])).content.decode()
    row = _html_row(body, "T1.1")
    held = row[row.index('class="mapping-held') :]
    assert "尚未發布／審查中" in held and "T1.1 沒有知識檢核" in row
    assert "T2.1 沒有實作評量方法" in _html_row(body, "T2.1")


def test_practice_question_does_not_close_a_knowledge_gap():
    unit = import_seed()
    course, module = make_course(unit)
    t11 = unit.indicators.get(code="T1.1")
    question = make_question(indicators=[t11], text="方案條件是什麼？")

    def t11_row():
        return _row(mapping_matrix(unit, course=course), "T1.1")

    assert [e.note for e in t11_row().held] == ["不在任何評量測驗中"]  # in no quiz yet
    make_quiz(module, [question], purpose=QuizPage.Purpose.FORMATIVE)
    row = t11_row()
    assert [e.note for e in row.taught] == ["僅用於練習測驗"]
    assert not row.cells.get("questioning") and any("知識檢核" in g for g in row.gaps)
    # A summative draw per indicator leaves practice questions out: still a gap.
    make_quiz(
        module, purpose=QuizPage.Purpose.SUMMATIVE, selection=QuizPage.Selection.PER_INDICATOR
    )
    assert any("T1.1 沒有知識檢核" in g for g in course_mapping_gaps(course))
    # The same question fixed in a live assessment quiz is an instrument.
    make_quiz(module, [question], purpose=QuizPage.Purpose.SUMMATIVE)
    row = t11_row()
    assert [e.label for e in row.cells["questioning"]] == [question.mapping_label()]
    assert not any("知識檢核" in g for g in row.gaps)
    assert not any("T1.1 沒有知識檢核" in g for g in course_mapping_gaps(course))


def test_question_of_another_course_or_a_draft_quiz_does_not_count():
    unit = import_seed()
    course, module = make_course(unit)
    _other, other_module = make_course(unit)
    t12 = unit.indicators.get(code="T1.2")
    question = make_question(indicators=[t12])
    make_quiz(other_module, [question])
    draft_quiz = make_quiz(module, [question])
    draft_quiz.unpublish()
    row = _row(mapping_matrix(unit, course=course), "T1.2")
    assert not row.cells.get("questioning") and row.held
    # The unit's own matrix counts every course on the unit.
    assert _row(mapping_matrix(unit), "T1.2").cells.get("questioning")


# ----------------------------------------------------------------- K, S, key evidence


def test_k_s_and_key_evidence_items_are_flagged_until_assessed(trainer_client):
    unit = import_seed()
    items = {i.code: i for i in unit.items.all()}
    t11 = unit.indicators.get(code="T1.1")
    url = reverse("mapping_matrix:unit", args=[unit.pk])
    body = trainer_client.get(url).content.decode()
    for code in ("K1", "S1", "E1", "E5"):
        assert "mapping-gap" in _row_classes(body, code), code
    assert 'data-code="K5.1"' not in body and 'data-code="K5"' in body

    make_observation(t11, method=AssessmentMethod.QUESTIONING, items=[items["K1"], items["S1"]])
    make_observation(t11, method=AssessmentMethod.OBSERVATION, items=[items["E1"]])
    matrix = mapping_matrix(unit)
    assert not _row(matrix, "K1").gaps and not _row(matrix, "E1").gaps
    # A skill needs a performance instrument: an oral question is not enough.
    assert _row(matrix, "S1").gaps == ["S1（技能）沒有實作評量工具（觀察、角色扮演或第三方報告）。"]
    assert _row(matrix, "E2").gaps == ["E2（關鍵證據）沒有評量工具。"]
    make_observation(t11, method=AssessmentMethod.ROLE_PLAY, items=[items["S1"]])
    assert not _row(mapping_matrix(unit), "S1").gaps
    body = trainer_client.get(url).content.decode()
    assert "mapping-gap" not in _row_classes(body, "K1")
    assert "mapping-gap" in _row_classes(body, "K2")


def _row_classes(body: str, code: str) -> str:
    at = body.index(f'data-code="{code}"')
    return body[body.rindex("<tr", 0, at) : at]


def test_blank_item_is_not_offered_in_the_question_form_or_chooser(trainer_client):
    unit = import_seed()
    response = trainer_client.get(reverse("wagtailsnippets_content_question:add"))
    assert response.status_code == 200
    offered = set(response.context["form"].fields["competency_items"].queryset.filter(unit=unit))
    codes = {item.code for item in offered}
    assert "K5.1" not in codes and {"K5", "S4", "E1", "E5"} <= codes
    assert CompetencyItem.objects.filter(unit=unit, code="K5.1").exists()  # kept in the unit
    chooser = trainer_client.get(reverse("competency_item_chooser:choose"), {"q": "K5"})
    html = chooser.content.decode()
    assert chooser.status_code == 200 and "K5 " in html and "K5.1" not in html


def test_data_migration_gives_existing_units_their_key_evidence_once():
    unit = import_seed()
    unit.items.filter(kind="evidence").delete()  # as a unit imported before the change
    migration = importlib.import_module("content.migrations.0007_coverage_targets")
    migration.create_evidence_items(django_apps, None)
    migration.create_evidence_items(django_apps, None)  # idempotent
    evidence = unit.items.filter(kind="evidence").order_by("sort_order")
    assert [e.code for e in evidence] == ["E1", "E2", "E3", "E4", "E5"]
    assert evidence[2].text == "幫助客戶完成忠誠度方案文件填寫"


# ----------------------------------------------------------------- queries and the demo


def _build(size: int):
    unit = make_framework_unit(tasks=2 + size // 4, indicators_per_task=2, knowledge=2)
    course, module = make_course(unit)
    indicators = list(unit.indicators.all())
    questions = [
        make_question(indicators=[indicators[i % len(indicators)]], tags=["t"] if i % 2 else [])
        for i in range(size)
    ]
    make_quiz(module, questions[:2], purpose=QuizPage.Purpose.FORMATIVE)
    make_quiz(module, questions[2:])
    make_quiz(module, selection=QuizPage.Selection.PER_TAG, draw_tags="t")
    make_quiz(module, selection=QuizPage.Selection.PER_INDICATOR)
    blueprint = make_quiz(module, selection=QuizPage.Selection.BLUEPRINT)
    QuizBlueprintRow.objects.create(page=blueprint, indicator=indicators[0], count=1)
    for i in range(size):
        make_observation(indicators[i % len(indicators)])
        make_lesson(module, indicators=[indicators[i % len(indicators)]])
    make_lesson(module, indicators=indicators[:1], live=False)  # held apart
    return unit, course


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_query_count_is_the_same_at_two_sizes():
    counts = []
    for size in (4, 24):
        unit, course = _build(size)
        matrix = mapping_matrix(unit, course=course)
        assert matrix.assessed_count >= size and matrix.taught_count >= size
        counts.append(
            (
                _queries(lambda u=unit: mapping_matrix(u)),
                _queries(lambda u=unit, c=course: mapping_matrix(u, course=c)),
            )
        )
    assert counts[0] == counts[1]


def test_demo_course_loads_and_its_lessons_are_only_taught(role_groups):
    from content.demo import course as course_loader
    from content.demo import questions as question_loader
    from content.demo import scenarios as scenario_loader

    unit = import_seed()
    course = course_loader.load_course()
    question_loader.load()
    scenario_loader.load()
    matrix = mapping_matrix(unit, course=course)
    lessons = [e for r in matrix.rows for e in r.taught if e.label.startswith("課堂：")]
    assert lessons  # the demo's lessons are listed as taught
    assert not any(
        e.label.startswith("課堂：") for r in matrix.rows for cell in r.cell_lists for e in cell
    )
    code, out = _run_report(course.slug)
    assert code == (1 if matrix.gaps else 0)
    assert json.loads(out)["gaps"] == matrix.gap_codes
