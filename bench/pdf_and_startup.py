"""Two targets of issue 18 that are not request rates, printed by `make bench` after the page
table: the auditors' mapping matrix PDF of the demo course (at most 1 s) and a process's
start-up (no WeasyPrint "Fetching and parsing CSS" lines; WeasyPrint is imported on the first
render only). Runs in bench/run.py's process, on its copy of the demo database."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING_PDF_TARGET_S = 1.0
CSS_LINE = "Fetching and parsing CSS"
STARTUP = (
    "import logging; logging.basicConfig(level=logging.INFO); import django; django.setup(); "
    "import config.urls; from django.urls import get_resolver; get_resolver().url_patterns"
)


def mapping_pdf_seconds() -> tuple[float, float, int] | None:
    """(CPU s, wall s, bytes) of the better of two downloads of the demo course's matrix PDF
    by the demo trainer, after a warm-up render (fonts loaded, as in a running worker)."""
    from django.test import Client
    from django.urls import reverse

    from content.demo.unit import SEED_CODE
    from content.pages.course import CoursePage
    from core.pdf import html_to_pdf
    from people.models import User

    course = CoursePage.objects.live().filter(unit__code=SEED_CODE).first()
    trainer = User.objects.filter(username="trainer").first()
    if course is None or trainer is None:
        return None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(trainer)
    url = reverse("mapping_matrix:course_export", args=[course.pk, "pdf"])
    html_to_pdf('<html lang="en"><p>warm-up</p></html>')
    best = None
    for _attempt in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        figures = (time.process_time() - cpu, time.perf_counter() - wall, len(response.content))
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            return None
        best = figures if best is None or figures < best else best
    return best


def startup() -> tuple[float, int]:
    """(wall s, CSS lines logged) of a fresh interpreter starting Django and its URLconf."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", STARTUP], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, (result.stdout + result.stderr).count(CSS_LINE)


def print_figures() -> None:
    print(f"\n{'PDF and start-up':40s} value")
    print("-" * 60)
    pdf = mapping_pdf_seconds()
    if pdf is None:
        print(f"{'mapping matrix PDF (demo course)':40s} not measured: no demo course")
    else:
        cpu, wall, size = pdf
        met = "met" if wall <= MAPPING_PDF_TARGET_S else "MISSED"
        print(
            f"{'mapping matrix PDF (demo course)':40s} {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{size // 1024} KB  (target {MAPPING_PDF_TARGET_S:.0f} s: {met})"
        )
    seconds, lines = startup()
    met = "met" if lines == 0 else "MISSED"
    print(
        f"{'start-up (django.setup + URLconf)':40s} {seconds:.2f} s, "
        f"{lines} '{CSS_LINE}' lines  (target none: {met})"
    )
