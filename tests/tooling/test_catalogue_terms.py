"""The language pass stays done: scripts/check_terms.py finds no terminology or punctuation
problem in the zh-Hant catalogue, the fragments or the templates, and it does find the
problems it is meant to find."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_terms.py"


@pytest.fixture(scope="module")
def check_terms():
    spec = importlib.util.spec_from_file_location("check_terms", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_catalogue_fragments_and_templates_have_no_violations():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No terminology or punctuation problems." in result.stdout


BAD_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Mark this lesson complete"
msgstr "將此課程標示為完成"

msgid "Back to the course"
msgstr "返回課堂"

msgid "Competent"
msgstr "具備能力"

msgid "Method: %(method)s"
msgstr "方法：role_play"

msgid "Saved, thank you!"
msgstr "已儲存,謝謝!"

msgid "Questions (%(count)s)"
msgstr "題目(%(count)s)"
"""

GOOD_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Mark this lesson complete"
msgstr "將此課堂標示為完成"

msgid "met,not met"
msgstr "已符合,未符合"

msgid "Hello %(name)s, open %(url)s at 12:30: T2.1:+2 (3)"
msgstr "%(name)s 您好，請在 12:30 開啟 %(url)s：T2.1:+2 (3)"

msgid "Role play"
msgstr "角色扮演"
"""


def test_checker_finds_each_kind_of_problem(check_terms, tmp_path):
    bad = tmp_path / "bad.po"
    bad.write_text(BAD_PO, encoding="utf-8")
    rules = [(v.msgid, v.rule) for v in check_terms.check_po(bad)]
    assert ("Mark this lesson complete", "lesson-is-not-course") in rules
    assert ("Back to the course", "course-is-not-lesson") in rules
    assert ("Competent", "word") in rules
    assert ("Method: %(method)s", "method-code") in rules
    assert rules.count(("Saved, thank you!", "half-width")) == 2
    assert rules.count(("Questions (%(count)s)", "half-width")) == 1  # "題目(" only
    assert check_terms.main([str(bad)]) == 1


def test_checker_leaves_placeholders_codes_times_and_yesno_alone(check_terms, tmp_path):
    good = tmp_path / "good.po"
    good.write_text(GOOD_PO, encoding="utf-8")
    assert check_terms.check_po(good) == []
    assert check_terms.main([str(good)]) == 0


def test_checker_finds_raw_method_codes_in_templates(check_terms, tmp_path, monkeypatch):
    template = tmp_path / "t.html"
    template.write_text(
        "{% load i18n %}<p>{{ item.assessment_method }}</p>\n"
        "<p>{{ item.get_assessment_method_display }}</p>\n"
        "<p>role_play</p><p data-method=\"role_play\">{% translate 'Observation' %}</p>\n",
        encoding="utf-8",
    )
    found = [(v.where.rsplit(":", 1)[1], v.text) for v in check_terms.check_template(template)]
    assert found == [("1", "{{ item.assessment_method }}"), ("3", "role_play")]
