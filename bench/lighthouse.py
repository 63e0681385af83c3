"""`make lighthouse`: Lighthouse mobile scores of the learner's pages, with Debian's chromium.

Starts gunicorn on the demo database as `make bench` does (DEBUG off, collected static
files), makes a session for the demo trainee directly in the database, and runs the npm
`lighthouse` package (pinned in bench/lighthouse/package.json, installed there with `npm ci`
on first use) against the home page (signed out), the /learn/ dashboard and a lesson (signed
in), in zh-Hant. Prints each category's score and exits 1 when one is under the target
(LIGHTHOUSE_MIN, 95 by default). The JSON reports are kept under var/lighthouse/.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.run import ROOT, free_port, session_cookie, wait_until_up  # noqa: E402

TOOL = ROOT / "bench" / "lighthouse"
REPORTS = ROOT / "var" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TARGET = int(os.environ.get("LIGHTHOUSE_MIN", "95"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def pages() -> list[tuple[str, str, str | None]]:
    from content.pages.lesson import LessonPage

    lesson = LessonPage.objects.live().order_by("path").first()
    return [
        ("home page (signed out)", "/", None),
        ("my learning dashboard", "/learn/", "trainee1"),
        ("a lesson", lesson.url if lesson else "/missing-lesson/", "trainee1"),
    ]


def ensure_lighthouse() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True)
    return binary


def audit(binary: Path, url: str, cookie: str | None, name: str) -> dict[str, int]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--locale=zh-TW",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    data = json.loads(report.read_text())
    return {key: round(100 * (data["categories"][key]["score"] or 0)) for key in CATEGORIES}


def main() -> None:
    binary = ensure_lighthouse()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    rows = []
    try:
        wait_until_up(base + "/healthz/")
        for index, (label, path, username) in enumerate(pages()):
            cookie = session_cookie(username) if username else None
            rows.append((label, path, audit(binary, base + path, cookie, f"page-{index}")))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    print(f"\nLighthouse (mobile, Debian chromium), target {TARGET} in every category\n")
    print(f"{'page':<26} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    low = []
    for label, _path, scores in rows:
        print(f"{label:<26} " + " ".join(f"{scores[c]:>15}" for c in CATEGORIES))
        low += [f"{label} {c} {scores[c]}" for c in CATEGORIES if scores[c] < TARGET]
    print(f"\nReports: {REPORTS}/page-*.json")
    if low:
        raise SystemExit("under the target: " + "; ".join(low))


if __name__ == "__main__":
    main()
