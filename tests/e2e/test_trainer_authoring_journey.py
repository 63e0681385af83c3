"""A trainer's authoring journey in the Wagtail admin (issue 17): filters the question bank
by indicator, builds a quiz choosing several questions at once in the filtered chooser,
imports a Moodle XML file (preview, then confirm: the questions are drafts), opens the
quiz's preview side panel and submits the quiz for review. axe finds no serious or critical
problem in what our templates render (the import form, its preview table, the chooser's
filters); violations inside Wagtail's own chrome are printed, not failed on."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from content.models.framework import Indicator
from content.models.questions import Question
from content.pages.quiz import QuizPage
from tests.e2e.conftest import login, navigate
from tests.factories.people import make_trainer
from tests.factories.quizzes import make_module, make_question, make_unit

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/忠誠度</text></category></question>
  <question type="truefalse">
    <name><text>points-expire</text></name>
    <questiontext format="html"><text>&lt;p&gt;會員點數永遠不會過期。&lt;/p&gt;</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
    <tags><tag><text>indicator:T1.1</text></tag><tag><text>difficulty:easy</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>tier-benefits</text></name>
    <questiontext format="html"><text>哪一項是金卡會員的權益？</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>生日禮</text></answer>
    <answer fraction="0"><text>免費停車一年</text></answer>
    <tags><tag><text>indicator:T1.2</text></tag></tags>
  </question>
</quiz>
"""


def zh(name, *args):
    with translation.override("zh-hant"):
        return reverse(name, args=args)


def _serious(page, include=None) -> list[str]:
    results = Axe().run(page, context={"include": include} if include else None)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def _record_wagtail(page, where: str) -> None:
    """Wagtail's own pages: printed for the record (pytest -s), never failed on."""
    for problem in _serious(page):
        print(f"[axe, Wagtail's own markup] {where}: {problem}")


@pytest.fixture
def bank():
    unit = make_unit()
    module = make_module(unit)
    t11 = Indicator.objects.get(unit=unit, code="T1.1")
    t21 = Indicator.objects.get(unit=unit, code="T2.1")
    questions = [
        make_question("single", code="greet-first", indicators=[t11], text="先打招呼再介紹方案"),
        make_question("true_false", code="tiers-exist", indicators=[t11], text="會員分成三級"),
        make_question("single", code="complaint-calm", indicators=[t21], text="顧客抱怨時先道歉"),
    ]
    return {"unit": unit, "module": module, "t11": t11, "t21": t21, "questions": questions}


def test_trainer_filters_builds_imports_previews_and_submits(live_server, page, bank):
    trainer = make_trainer(name="張雅婷")
    login(page, live_server, trainer)

    # 1. The bank, filtered by indicator: only T1.1's questions, with their codes shown.
    listing = f"{live_server.url}{zh('wagtailsnippets_content_question:list')}"
    page.goto(f"{listing}?indicator={bank['t11'].pk}")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.listing")).to_contain_text("greet-first")
    expect(page.locator("table.listing")).not_to_contain_text("complaint-calm")
    expect(page.locator("table.listing")).to_contain_text("T1.1")
    _record_wagtail(page, "question bank listing")

    # 2. A new quiz; "add questions" opens the chooser, filtered by indicator; two ticked.
    add = zh("wagtailadmin_pages:add", "content", "quizpage", bank["module"].pk)
    page.goto(f"{live_server.url}{add}")
    page.fill("#id_title", "T1.1 小考")
    page.click("#id_fixed_questions-OPEN_MODAL")
    modal = page.locator(".modal-content")
    expect(modal.locator("select[name=indicator]")).to_be_visible()
    expect(modal.locator("#search-results")).to_contain_text("complaint-calm")
    modal.locator("select[name=indicator]").select_option(str(bank["t11"].pk))
    expect(modal.locator("#search-results")).not_to_contain_text("complaint-calm")
    expect(modal.locator("#search-results")).to_contain_text("T1.1")
    problems = _serious(page, include=[[".modal-content form[data-chooser-modal-search]"]])
    assert problems == [], problems
    for code in ("greet-first", "tiers-exist"):
        question = Question.objects.get(code=code)
        modal.locator(f"input[type=checkbox][value='{question.pk}']").check()
    modal.locator("[data-multiple-choice-submit]").click()
    expect(page.locator(".modal-content")).to_have_count(0)
    chosen = page.locator("#id_fixed_questions-FORMS [data-inline-panel-child]:not(.deleted)")
    expect(chosen).to_have_count(2)
    expect(page.locator("#id_fixed_questions-FORMS")).to_contain_text("greet-first")
    expect(page.locator("#id_fixed_questions-FORMS")).to_contain_text("tiers-exist")
    navigate(page, page.locator("button[name=action-draft], button:has-text('儲存草稿')").first)
    expect(page.locator(".messages")).to_be_visible()
    quiz = QuizPage.objects.get(title="T1.1 小考")
    draft = quiz.get_latest_revision_as_object()
    assert sorted(q.question.code for q in draft.fixed_questions.all()) == [
        "greet-first",
        "tiers-exist",
    ]

    # 3. Import a Moodle XML file: preview (nothing written), then confirm.
    page.goto(f"{live_server.url}{zh('question_import:index')}")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "bank.xml", "mimeType": "text/xml", "buffer": MOODLE_XML.encode()}],
    )
    page.select_option("select[name=unit]", str(bank["unit"].pk))
    problems = _serious(page, include=[[".question-import-form"], [".question-import-rules"]])
    assert problems == [], problems
    navigate(page, page.locator(".question-import-form button[type=submit]"))
    table = page.locator("#import-questions")
    expect(table).to_contain_text("points-expire")
    expect(table).to_contain_text("tier-benefits")
    expect(table.locator("tr.question-import-ok")).to_have_count(2)
    assert not Question.objects.filter(code="points-expire").exists()
    problems = _serious(page, include=[["#import-questions"], [".question-import-confirm"]])
    assert problems == [], problems
    navigate(page, page.locator(".question-import-confirm button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("已匯入 2")
    imported = Question.objects.get(code="points-expire")
    assert not imported.live
    assert [i.code for i in imported.indicators.all()] == ["T1.1"]

    # 4. The quiz's editor: the preview side panel shows the quiz; submit it for review.
    page.goto(f"{live_server.url}{zh('wagtailadmin_pages:edit', quiz.pk)}")
    page.click("[data-side-panel-toggle='preview']")
    # Wagtail loads the preview in a second iframe, then swaps it in as #w-preview-iframe.
    expect(page.locator("iframe.w-preview__proxy")).to_have_count(0, timeout=20_000)
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("body")).to_contain_text("T1.1 小考", timeout=20_000)
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    submit = page.locator("button[name=action-submit]")
    expect(submit).to_be_visible()
    navigate(page, submit)
    expect(page.locator(".messages")).to_be_visible()
    quiz.refresh_from_db()
    state = quiz.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert re.search("雙人審核|審核", page.content())
