"""Reports > Progress report in a browser, as an admin: filter by cohort through Wagtail's
filter panel, sort by name, download the CSV and read it: only that cohort's trainees, in
that order, with their quiz grades and certificate number."""

import csv
import io
from pathlib import Path

from people.models import Cohort
from tests.assessments.test_progress_report import certificate_for, graded, make_unit_of_13
from tests.e2e.conftest import login, navigate
from tests.factories.certificates import make_decision
from tests.factories.people import make_admin, make_assessor, make_trainee
from tests.factories.quizzes import enrol, make_module, make_quiz


def _report_data():
    module = make_module(make_unit_of_13())
    quiz = make_quiz(module, pass_mark=70)
    spring = Cohort.objects.create(code="2026-spring", name="春季梯次")
    autumn = Cohort.objects.create(code="2026-autumn", name="秋季梯次")
    people = {}
    for name, cohort, score in (
        ("王春一", spring, 82),
        ("李春二", spring, 55),
        ("陳秋三", autumn, 91),
    ):
        trainee = make_trainee(name=name, cohorts=[cohort])
        enrol(trainee, module)
        graded(quiz, trainee, score)
        people[name] = trainee
    decision = make_decision(
        trainee=people["王春一"],
        assessor=make_assessor(),
        unit=module.course.unit,
        course=module.course,
    )
    certificate_for(decision, number="LA-2026-000777")
    return spring, quiz


def _rows_shown(page) -> list[str]:
    return page.locator("#listing-results tbody tr td:first-child").all_inner_texts()


def test_admin_filters_sorts_and_downloads_csv(page, live_server):
    spring, quiz = _report_data()
    login(page, live_server, make_admin())
    page.goto(f"{live_server.url}/admin/progress-report/")
    assert sorted(_rows_shown(page)) == sorted(["王春一", "李春二", "陳秋三"])

    # Filter: the panel behind the sliders button, the cohort field; results refresh in place.
    page.locator("button.w-slim-header-action-button").click()
    page.locator("button[aria-controls='drilldown-id_cohort']").click()
    with page.expect_response(lambda r: "/admin/progress-report/results/" in r.url):
        page.locator("#drilldown-id_cohort select").select_option(str(spring.pk))
    page.wait_for_function(
        "() => !document.querySelector('#listing-results').textContent.includes('陳秋三')"
    )
    assert sorted(_rows_shown(page)) == sorted(["王春一", "李春二"])
    page.keyboard.press("Escape")

    # Sort: by name, then by name descending (the heading link toggles).
    heading = page.locator("#listing-results thead th a", has_text="姓名")
    navigate(page, heading)
    if "ordering=-name" not in page.url:
        navigate(page, page.locator("#listing-results thead th a", has_text="姓名"))
    assert "ordering=-name" in page.url and f"cohort={spring.pk}" in page.url
    assert _rows_shown(page) == sorted(["王春一", "李春二"], reverse=True)

    # Download the CSV from the header's actions menu.
    page.locator("button.w-dropdown__toggle.w-h-slim-header").click()
    with page.expect_download() as info:
        page.locator("a[href*='export=csv']").click()
    download = info.value
    assert download.suggested_filename == "progress-report.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    heading_row = rows[0]
    assert heading_row[0] == "姓名" and "證書編號" in heading_row and "通過的測驗" in heading_row
    assert [row[0] for row in rows[1:]] == sorted(["王春一", "李春二"], reverse=True)
    by_name = {row[0]: dict(zip(heading_row, row, strict=True)) for row in rows[1:]}
    assert by_name["王春一"]["證書編號"] == "LA-2026-000777"
    assert by_name["王春一"]["通過的測驗"] == "1" and by_name["李春二"]["通過的測驗"] == "0"
    assert by_name["李春二"]["評量決定"] == "" and by_name["王春一"]["評量決定"] == "適任"
    assert "陳秋三" not in text
