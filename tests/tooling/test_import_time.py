"""Nothing heavy at import time (issue 18): starting Django, loading the URLconf, importing
the PDF modules, or importing `SafeURLFetcher` (as test modules do) never imports WeasyPrint,
so no process logs WeasyPrint's "Fetching and parsing CSS" lines at start-up; only the first
PDF render pays for it. Each check runs in a fresh interpreter, with INFO logging so that
those lines would show if WeasyPrint were imported."""

import json
import os
import subprocess
import sys

from django.conf import settings

CSS_LINE = "Fetching and parsing CSS"

# Each stage runs after the ones before it, in one interpreter; the probe prints, for each,
# whether WeasyPrint is imported and marks stderr so that a logged line names its stage.
STAGES = {
    "django.setup()": "import django; django.setup()",
    "the URLconf and the PDF modules": (
        "import config.urls, core.pdf, assessments.pdf, content.mapping_pdf, "
        "assessments.tasks, content.admin_views.mapping_matrix; "
        "from django.urls import get_resolver; get_resolver().url_patterns"
    ),
    "importing SafeURLFetcher and the PDF test modules": (
        "from core.pdf import SafeURLFetcher; "
        "import tests.core.test_pdf, tests.content.test_mapping_matrix, "
        "tests.assessments.test_certificates_pdf"
    ),
    # The control: making a fetcher imports WeasyPrint, and the probe sees it.
    "making a fetcher": "SafeURLFetcher()",
}

PROBE = """
import json, sys
found = {}
for name, code in json.loads(sys.argv[1]).items():
    sys.stderr.write(f"@@stage {name}\\n"); sys.stderr.flush()
    exec(code)
    found[name] = "weasyprint" in sys.modules
print(json.dumps(found))
"""


def _run(args: list[str], settings_module: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "DJANGO_LOG_LEVEL": "INFO"},
        cwd=settings.BASE_DIR,
    )


def _stages(stages: dict[str, str], settings_module: str) -> dict[str, tuple[bool, bool]]:
    """For each stage: (WeasyPrint imported by then, its stylesheet lines logged in it)."""
    result = _run([sys.executable, "-c", PROBE, json.dumps(stages)], settings_module)
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    logged, stage = dict.fromkeys(stages, False), None
    for line in result.stderr.splitlines():
        if line.startswith("@@stage "):
            stage = line.removeprefix("@@stage ")
        elif CSS_LINE in line:
            logged[stage] = True
    return {name: (imported[name], logged[name]) for name in stages}


def test_nothing_imports_weasyprint_until_a_fetcher_or_a_render_needs_it():
    assert _stages(STAGES, "config.settings.test") == {
        "django.setup()": (False, False),
        "the URLconf and the PDF modules": (False, False),
        "importing SafeURLFetcher and the PDF test modules": (False, False),
        "making a fetcher": (True, True),
    }


def test_development_settings_start_without_weasyprint():
    first = "django.setup()"
    assert _stages({first: STAGES[first]}, "config.settings.dev") == {first: (False, False)}


def test_manage_py_check_prints_no_weasyprint_lines():
    result = _run([sys.executable, "manage.py", "check"], "config.settings.test")
    assert result.returncode == 0, result.stderr
    assert CSS_LINE not in result.stderr + result.stdout
