"""The demo course data (content/demo/data/course.yaml) is well formed and complete.

The loader turns this file into Wagtail pages; these tests check the data itself: the shape
the loader expects, coverage of the unit KPS5R0821v2, formative self-checks that work, and
none of the unsourced claims the seeds contain (see /work/shared/docs/domain.md)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

COURSE_FILE = Path(__file__).resolve().parents[2] / "content" / "demo" / "data" / "course.yaml"
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

INDICATORS = {f"T{t}.{i}" for t, n in ((1, 3), (2, 4), (3, 3), (4, 3)) for i in range(1, n + 1)}
COMPETENCY_ITEMS = {f"K{i}" for i in range(1, 6)} | {f"S{i}" for i in range(1, 5)}

COURSE_KEYS = {
    "title",
    "slug",
    "unit",
    "description",
    "audience",
    "estimated_minutes",
    "allow_self_enrolment",
}
MODULE_KEYS = {"title", "slug", "intro", "lessons"}
LESSON_KEYS = {
    "title",
    "slug",
    "summary",
    "estimated_minutes",
    "indicators",
    "competency_items",
    "body",
}  # no "method": a lesson teaches and is never evidence
# Block type -> keys of its value (None: the value is a string).
BLOCK_KEYS = {
    "rich_text": None,
    "heading": {"text", "level"},
    "callout": {"kind", "title", "body"},
    "key_terms": {"terms"},
    "worked_example": {"title", "problem", "steps", "answer"},
    "case_study": {"title", "situation", "questions", "takeaway"},
    "self_check": {"question", "options"},
    "procedure": {"title", "steps"},
}
ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "h3"}
ASCII_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Unsourced claims from the seeds that must not be taught (domain.md, "Do not assess").
FORBIDDEN_SUBSTRINGS = [
    "79%",
    "92%",
    "79％",
    "92％",
    "沉默的顧客",  # "silent complainers"
    "沉默的消費者",
    "保持沉默",
    "5倍",
    "5 倍",
    "NPS超過50",
    "NPS 超過 50",
]
STANDALONE_26 = re.compile(r"(?<![\d.])26(?![\d.])")


def load_course() -> dict:
    with COURSE_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def data() -> dict:
    return load_course()


def lessons(data: dict) -> list[dict]:
    return [lesson for module in data["modules"] for lesson in module["lessons"]]


def all_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from all_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_strings(value)


def html_fields(data: dict):
    """Every string the loader treats as HTML (rich text)."""
    yield data["course"]["description"]
    for module in data["modules"]:
        yield module["intro"]
        for lesson in module["lessons"]:
            for block in lesson["body"]:
                kind, value = block["type"], block["value"]
                if kind == "rich_text":
                    yield value
                elif kind == "callout":
                    yield value["body"]
                elif kind == "worked_example":
                    yield value["problem"]
                elif kind == "case_study":
                    yield value["situation"]
                    yield value["takeaway"]


def plain_fields(data: dict):
    """Every string that must be plain text (no markup)."""
    course = data["course"]
    yield from (course["title"], course["audience"])
    for module in data["modules"]:
        yield module["title"]
        for lesson in module["lessons"]:
            yield from (lesson["title"], lesson["summary"])
            for block in lesson["body"]:
                kind, value = block["type"], block["value"]
                if kind == "heading":
                    yield value["text"]
                elif kind == "callout":
                    yield value["title"]
                elif kind == "key_terms":
                    for term in value["terms"]:
                        yield from (term["term"], term["definition"])
                elif kind == "worked_example":
                    yield from (value["title"], value["answer"], *value["steps"])
                elif kind == "case_study":
                    yield from (value["title"], *value["questions"])
                elif kind == "self_check":
                    yield value["question"]
                    for option in value["options"]:
                        yield from (option["text"], option["feedback"])
                elif kind == "procedure":
                    yield from (value["title"], *value["steps"])


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []
        self.open: list[str] = []
        self.unbalanced = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.unbalanced = True


def test_file_parses_and_has_top_level_keys(data):
    assert set(data) == {"course", "modules"}
    assert set(data["course"]) == COURSE_KEYS


def test_course_fields(data):
    course = data["course"]
    assert course["slug"] == "loyalty-programs"
    assert course["unit"] == "KPS5R0821v2"
    assert course["title"] == "提升客戶忠誠度方案：門市實務課程"
    assert course["allow_self_enrolment"] is True
    assert isinstance(course["estimated_minutes"], int)
    # Honest: reading and activities of every lesson, about ten minutes per role-play
    # scenario, ten for the practice quiz and the final's time limit.
    scenarios = yaml.safe_load((COURSE_FILE.parent / "scenarios.yaml").read_text(encoding="utf-8"))
    quizzes = yaml.safe_load((COURSE_FILE.parent / "questions.yaml").read_text(encoding="utf-8"))
    final = max(q.get("time_limit_minutes") or 0 for q in quizzes["quizzes"]["pages"])
    assert course["estimated_minutes"] == (
        sum(x["estimated_minutes"] for x in lessons(data))
        + 10 * len(scenarios["scenarios"])
        + 10
        + final
    )


def test_at_least_four_modules_and_ten_lessons(data):
    assert len(data["modules"]) >= 4
    assert len(lessons(data)) >= 10
    for module in data["modules"]:
        assert set(module) == MODULE_KEYS, module.get("slug")
        assert module["lessons"], f"module {module['slug']} has no lessons"


def test_slugs_are_ascii_and_unique(data):
    module_slugs = [m["slug"] for m in data["modules"]]
    lesson_slugs = [x["slug"] for x in lessons(data)]
    for slug in [data["course"]["slug"], *module_slugs, *lesson_slugs]:
        assert ASCII_SLUG.match(slug), slug
    assert len(set(module_slugs)) == len(module_slugs)
    assert len(set(lesson_slugs)) == len(lesson_slugs)


def test_lesson_fields(data):
    for lesson in lessons(data):
        slug = lesson["slug"]
        assert set(lesson) == LESSON_KEYS, slug
        assert (
            isinstance(lesson["estimated_minutes"], int) and 5 <= lesson["estimated_minutes"] <= 30
        )
        assert lesson["indicators"] and set(lesson["indicators"]) <= INDICATORS, slug
        assert lesson["competency_items"] and set(lesson["competency_items"]) <= COMPETENCY_ITEMS
        assert 4 <= len(lesson["body"]) <= 10, slug
        assert lesson["summary"].strip() and "\n" not in lesson["summary"], slug


def test_every_indicator_and_competency_item_is_covered(data):
    tagged_indicators = {code for x in lessons(data) for code in x["indicators"]}
    tagged_items = {code for x in lessons(data) for code in x["competency_items"]}
    assert tagged_indicators == INDICATORS
    assert tagged_items == COMPETENCY_ITEMS


def test_blocks_have_allowed_types_and_value_shapes(data):
    for lesson in lessons(data):
        for block in lesson["body"]:
            where = f"{lesson['slug']}: {block}"
            assert set(block) == {"type", "value"}, where
            assert block["type"] in BLOCK_KEYS, where  # no video blocks: there is no network
            keys = BLOCK_KEYS[block["type"]]
            value = block["value"]
            if keys is None:
                assert isinstance(value, str) and value.strip(), where
                continue
            assert isinstance(value, dict) and set(value) == keys, where
            kind = block["type"]
            if kind == "heading":
                assert value["level"] in (2, 3), where
            elif kind == "callout":
                assert value["kind"] in {"tip", "warning", "policy"}, where
            elif kind == "key_terms":
                assert value["terms"], where
                for term in value["terms"]:
                    assert set(term) == {"term", "definition"}, where
            elif kind in ("worked_example", "procedure"):
                assert len(value["steps"]) >= 2, where
                assert all(isinstance(s, str) and s.strip() for s in value["steps"]), where
            elif kind == "case_study":
                assert value["questions"], where
                assert all(isinstance(q, str) and q.strip() for q in value["questions"]), where
            elif kind == "self_check":
                for option in value["options"]:
                    assert set(option) == {"text", "correct", "feedback"}, where
                    assert isinstance(option["correct"], bool), where


def test_every_self_check_has_one_correct_option_and_feedback_everywhere(data):
    checks = [
        block["value"]
        for lesson in lessons(data)
        for block in lesson["body"]
        if block["type"] == "self_check"
    ]
    assert checks
    for check in checks:
        options = check["options"]
        assert len(options) >= 2, check["question"]
        assert sum(1 for o in options if o["correct"]) == 1, check["question"]
        assert all(o["feedback"].strip() for o in options), check["question"]
        assert len({o["text"] for o in options}) == len(options), check["question"]


def test_most_lessons_have_a_practice_block(data):
    practice = {"self_check", "worked_example", "case_study"}
    with_practice = [x for x in lessons(data) if practice & {b["type"] for b in x["body"]}]
    assert len(with_practice) >= 0.8 * len(lessons(data))


def test_metric_lessons_have_worked_examples(data):
    examples = " ".join(
        b["value"]["title"] + b["value"]["problem"]
        for x in lessons(data)
        for b in x["body"]
        if b["type"] == "worked_example"
    )
    for metric in ("回購率", "留存率", "NPS", "ROI", "CLV", "RFM"):
        assert metric in examples, metric


def test_html_uses_only_allowed_tags(data):
    for html in html_fields(data):
        assert isinstance(html, str) and html.strip()
        parser = _TagCollector()
        parser.feed(html)
        parser.close()
        assert parser.tags, f"HTML field without markup: {html[:40]}"
        for tag, attrs in parser.tags:
            assert tag in ALLOWED_TAGS, f"<{tag}> in {html[:40]}"
            allowed_attrs = {"href"} if tag == "a" else set()
            assert {name for name, _ in attrs} <= allowed_attrs, f"<{tag} {attrs}>"
        assert not parser.unbalanced and not parser.open, f"unbalanced tags: {html[:40]}"


def test_plain_text_fields_have_no_markup(data):
    for text in plain_fields(data):
        assert isinstance(text, str) and text.strip()
        assert "<" not in text and ">" not in text, text


def test_written_in_traditional_chinese(data):
    text = "".join(all_strings(data))
    # A handful of characters that only appear in Simplified Chinese.
    for simplified in "这说们为产会员过时对买网络话题还发":
        assert simplified not in text, simplified
    for mainland, taiwan in (
        ("信息", "資訊"),
        ("视频", "影片"),
        ("渠道", "管道"),
        ("质量", "品質"),
    ):
        assert mainland not in text, f"use {taiwan}"


def test_no_unsourced_claims(data):
    for text in all_strings(data):
        for forbidden in FORBIDDEN_SUBSTRINGS:
            assert forbidden not in text, f"{forbidden!r} in {text[:60]}"
        assert not STANDALONE_26.search(text), f"'26' in {text[:60]}"


def test_often_cited_retention_claim_is_hedged(data):
    mentions = [t for t in all_strings(data) if "95%" in t]
    assert mentions, "the Reichheld claim should be discussed, hedged"
    for text in mentions:
        assert "常被引用" in text and "因產業" in text, text[:80]


def test_no_seed_sentence_copied(data):
    if not SEEDS_DIR.is_dir():
        pytest.skip("seed documents not available")
    window = 16

    def normalise(text: str) -> str:
        return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text))

    def chinese_heavy(chunk: str) -> bool:
        return sum("\u4e00" <= ch <= "\u9fff" for ch in chunk) >= 10

    seeds = "".join(normalise(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("0*.txt"))
    seed_windows = {seeds[i : i + window] for i in range(len(seeds) - window + 1)}
    copied = set()
    for text in all_strings(data):
        flat = normalise(text)
        for i in range(len(flat) - window + 1):
            chunk = flat[i : i + window]
            if chinese_heavy(chunk) and chunk in seed_windows:
                copied.add(chunk)
    assert not copied, sorted(copied)[:10]
