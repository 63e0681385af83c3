"""The auditors' mapping matrix PDF of the demo course (issue 18): a trainer downloads it from
the Wagtail admin in well under the bound (target 1 s; 2.5 s allowed on a loaded test
machine), and it holds every indicator, K/S item and key evidence item of the unit, in the
one CJK family, embedded. The bound is on the CPU time the request takes in this process
(the wall time is printed too): on a shared test machine the wall time says more about the
neighbours than about the PDF."""

import importlib
import shutil
import subprocess
import time

import pytest
from django.urls import reverse

from content.demo.unit import SEED_CODE
from content.models.framework import CompetencyItem, Indicator
from content.pages.course import CoursePage
from content.selectors.mapping import MAPPABLE_ITEMS
from core.pdf import html_to_pdf
from demo import accounts
from people.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing"),
]

BOUND_SECONDS = 2.5
CONTENT_LOADERS = (
    "content.demo.unit",
    "content.demo.course",
    "content.demo.scenarios",
    "content.demo.questions",
    "content.demo.instruments",
)


@pytest.fixture
def demo_course(role_groups):
    """The demo's content (unit, course, scenarios, quizzes, instruments) and its accounts."""
    accounts.load()
    for dotted in CONTENT_LOADERS:
        importlib.import_module(dotted).load()
    return CoursePage.objects.select_related("unit").get(unit__code=SEED_CODE)


def _poppler(tool: str, path) -> str:
    return subprocess.run(
        [tool, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_trainer_downloads_the_demo_course_matrix_pdf_quickly_and_complete_trainee_cannot(
    demo_course, client, tmp_path
):
    client.force_login(User.objects.get(username="trainer"))
    url = reverse("mapping_matrix:course_export", args=[demo_course.pk, "pdf"])
    html_to_pdf(
        '<html lang="en"><p>warm-up</p></html>'
    )  # the process's first render loads WeasyPrint and fonts
    timings = []
    for _attempt in range(2):  # the better of two
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.process_time() - cpu, time.perf_counter() - wall))
        assert response.status_code == 200
    cpu, wall = min(timings)
    print(f"mapping matrix PDF of the demo course: {cpu:.2f} s CPU, {wall:.2f} s wall")
    # This process's CPU time: what the download costs, whatever else the machine runs.
    assert cpu < BOUND_SECONDS
    assert response["Content-Type"] == "application/pdf"

    path = tmp_path / "matrix.pdf"
    path.write_bytes(response.content)
    text = "".join(_poppler("pdftotext", path).split())
    unit = demo_course.unit
    indicators = list(Indicator.objects.filter(unit=unit))
    items = CompetencyItem.objects.filter(MAPPABLE_ITEMS, unit=unit)
    codes = [i.code for i in indicators] + list(items.values_list("code", flat=True))
    assert len(indicators) >= 10 and len(codes) > 20
    assert [code for code in codes if code not in text] == []
    # every indicator's words, as pdftotext reads them (line breaks and spaces dropped)
    assert [i.code for i in indicators if "".join(i.text.split()) not in text] == []

    fonts = _poppler("pdffonts", path).splitlines()[2:]
    assert fonts and all("Noto-Sans-CJK-TC" in line for line in fonts), fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # embedded

    # A trainee is offered no such download.
    client.force_login(User.objects.get(username="trainee1"))
    refused = client.get(url)
    assert refused.status_code in (302, 403)
    assert refused.get("Content-Type") != "application/pdf"
