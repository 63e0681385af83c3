"""The demo's one loyalty programme, 「好生活會員」 (issue 15), is quoted consistently.

Every lesson, scenario and question of the demo must agree with the programme pack: the
earning rate, the tier thresholds, the points' validity, and the glossary's one word per
concept. These checks read the demo YAML files themselves (course, scenarios, question bank),
so they guard whoever edits them. A failure names the file, the line and the text.

The last tests load the course: the pack is a lesson of the first module and a downloadable
PDF (one Wagtail Document, however often the demo loads) the lesson links to."""

import re
from pathlib import Path

import pytest
import yaml
from wagtail.documents import get_document_model

from content.demo import course as course_loader
from content.demo import programme
from content.pages.course import ModulePage
from content.pages.lesson import LessonPage
from tests.factories.framework import import_seed

DATA_DIR = Path(__file__).resolve().parents[2] / "content" / "demo" / "data"
DEMO_FILES = ("course.yaml", "scenarios.yaml", "questions.yaml")

# The pack's numbers.
EARN_PER_POINT = 50  # NT$ of the amount paid per point
TIERS = {"銀卡": 12_000, "金卡": 30_000}  # previous calendar year's spending
VALIDITY_MONTHS = 12

# Glossary: rejected word -> the word the demo uses.
REJECTED_WORDS = {
    "留客率": "留存率",
    "重複購買率": "回購率",
    "LTV": "CLV 顧客終身價值",
    "作業型": "營運型 CRM",
    "回流客": "回頭客 (any repeat customer) or 回流會員 (a member back after 6+ months)",
}

_NUMBER = r"([\d,]+)"
EARNING_RATES = [
    # 每消費 NT$50 得 1 點 / 每 NT$50 累積 1 點 / 每滿 NT$50 送 1 點
    re.compile(
        r"每\s*(?:消費|付款|實付)?\s*(?:滿\s*)?NT\$\s*" + _NUMBER + r"\s*(?:元)?\s*(?:可)?"
        r"(?:得|累積|累計|集|送|換)\s*(?:1|一)\s*點"
    ),
    # NT$50 得 1 點 / NT$50 = 1 點
    re.compile(r"NT\$\s*" + _NUMBER + r"\s*(?:得|累積|累計|集|=|＝)\s*(?:1|一)\s*點"),
    # 每消費 100 元集一點 / 每 50 元 1 點
    re.compile(
        r"每\s*(?:消費|付款|實付)?\s*(?:滿\s*)?" + _NUMBER + r"\s*元\s*(?:可)?"
        r"(?:得|累積|累計|集|送|換)?\s*(?:1|一)\s*點"
    ),
    # 1 點 / NT$50, 一點 NT$100
    re.compile(r"(?:1|一)\s*點\s*[/／]\s*NT\$\s*" + _NUMBER),
]
# 銀卡（前一個日曆年度消費滿 NT$12,000）, 金卡門檻 NT$30,000, 消費滿 NT$12,000 升銀卡
TIER_THRESHOLDS = [
    re.compile(r"(銀卡|金卡)[^。；！？\n]{0,24}?消費\s*(?:滿|達|≥|超過|至少)?\s*NT\$\s*" + _NUMBER),
    re.compile(r"(銀卡|金卡)\s*(?:的)?門檻\s*(?:為|是)?\s*(?:NT\$)?\s*" + _NUMBER),
    re.compile(
        r"消費\s*(?:滿|達|≥|超過|至少)\s*NT\$\s*" + _NUMBER + r"\s*(?:元)?\s*(?:就|可|即可)?"
        r"(?:升|成為|晉升|升級|升等)\s*(?:為|到)?\s*(銀卡|金卡)"
    ),
]
VALIDITY = [
    re.compile(r"點數[^。；！？\n]{0,16}?(\d+)\s*個月\s*(?:內)?\s*有效"),
    re.compile(r"點數[^。；！？\n]{0,10}?有效\s*(?:期|期限|期間)?\s*(?:為|是)?\s*(\d+)\s*個月"),
    re.compile(r"點數[^。；！？\n]{0,10}?(\d+)\s*個月\s*(?:後)?\s*(?:到期|過期|失效)"),
]
# Rules the pack does not have: points expiring at a year's end instead of 12 months.
OTHER_EXPIRY = re.compile(
    r"點數[^。；！？\n]{0,6}?(?:效期|有效期限?|有效)\s*(?:只)?(?:到|至)\s*(?:隔年|明年|年底|當年)"
)
# 單元 only for the iCAP unit (職能單元, 單元 KPS5R0821v2, "the unit lists..."): these say
# 單元 for a part of the course (a module, a module's quiz).
MODULE_AS_UNIT = re.compile(
    r"本單元|此單元|這個單元|這一單元|各單元|每個單元|每一單元|下一單元|上一單元|"
    r"單元小考|單元測驗|單元練習|第\s*[一二三四五六七八九十\d]+\s*單元"
)
# In module titles and intros every 單元 must name the iCAP unit.
UNIT_WORD = re.compile(r"單元")
ICAP_UNIT = re.compile(r"職能單元|KPS5R0821v2\s*(?:職能)?單元|單元\s*KPS5R0821v2")


def _strings(node, path=""):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{path}[{index}]")


class DemoFile:
    def __init__(self, name: str):
        self.name = name
        self.path = DATA_DIR / name
        self.raw = self.path.read_text(encoding="utf-8")
        self.data = yaml.safe_load(self.raw)

    def strings(self):
        yield from _strings(self.data)

    def where(self, text: str) -> str:
        """`file:line` of the line holding text (tried whole, then shorter, around its middle:
        YAML escapes and line breaks can split it)."""
        probe_text = text.strip()
        lines = self.raw.splitlines()
        for size in (len(probe_text), 20, 12, 6):
            start = max(0, (len(probe_text) - size) // 2)
            probe = probe_text[start : start + size]
            hits = [n for n, line in enumerate(lines, start=1) if probe and probe in line]
            if len(hits) == 1 or (hits and size <= 6):
                return f"{self.name}:{hits[0]}"
            if hits:
                return f"{self.name}:{','.join(map(str, hits[:5]))}"
        return self.name


@pytest.fixture(scope="module", params=DEMO_FILES)
def demo_file(request) -> DemoFile:
    path = DATA_DIR / request.param
    if not path.exists():
        pytest.skip(f"{request.param} not present")
    return DemoFile(request.param)


def _amount(text: str) -> int:
    return int(text.replace(",", ""))


def _context(text: str, match: re.Match) -> str:
    return text[max(0, match.start() - 15) : match.end() + 15]


def test_every_quoted_earning_rate_is_the_packs(demo_file):
    wrong = []
    for _path, text in demo_file.strings():
        for pattern in EARNING_RATES:
            for match in pattern.finditer(text):
                if _amount(match.group(1)) != EARN_PER_POINT:
                    snippet = _context(text, match)
                    wrong.append(f"{demo_file.where(snippet)}: …{snippet}…")
    assert not wrong, f"the pack earns 1 point per NT${EARN_PER_POINT}:\n" + "\n".join(
        dict.fromkeys(wrong)
    )


def test_every_quoted_tier_threshold_is_the_packs(demo_file):
    wrong = []
    for _path, text in demo_file.strings():
        for pattern in TIER_THRESHOLDS:
            for match in pattern.finditer(text):
                groups = match.groups()
                tier = next(g for g in groups if g in TIERS)
                amount = _amount(next(g for g in groups if g not in TIERS))
                if amount != TIERS[tier]:
                    snippet = _context(text, match)
                    wrong.append(f"{demo_file.where(snippet)}: {tier} NT${amount}: …{snippet}…")
    assert not wrong, "銀卡 NT$12,000, 金卡 NT$30,000 (previous calendar year):\n" + "\n".join(
        wrong
    )


def test_every_quoted_points_validity_is_the_packs(demo_file):
    wrong = []
    for _path, text in demo_file.strings():
        for pattern in VALIDITY:
            for match in pattern.finditer(text):
                if int(match.group(1)) != VALIDITY_MONTHS:
                    snippet = _context(text, match)
                    wrong.append(f"{demo_file.where(snippet)}: …{snippet}…")
        for match in OTHER_EXPIRY.finditer(text):
            snippet = _context(text, match)
            wrong.append(f"{demo_file.where(snippet)}: …{snippet}…")
    assert not wrong, f"points are valid {VALIDITY_MONTHS} months:\n" + "\n".join(
        dict.fromkeys(wrong)
    )


def test_no_rejected_glossary_word(demo_file):
    wrong = []
    for _path, text in demo_file.strings():
        for word, use in REJECTED_WORDS.items():
            if word in text:
                at = text.index(word)
                snippet = text[max(0, at - 15) : at + 15]
                wrong.append(f"{demo_file.where(snippet)}: {word} (use {use}): …{snippet}…")
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_unit_word_never_names_a_part_of_the_course(demo_file):
    """單元 is the iCAP unit KPS5R0821v2 only; a course module is 模組, a lesson 課堂."""
    wrong = []
    for _path, text in demo_file.strings():
        for match in MODULE_AS_UNIT.finditer(text):
            snippet = _context(text, match)
            wrong.append(f"{demo_file.where(snippet)}: …{snippet}…")
    assert not wrong, "單元 used for a part of the course (use 模組 / 課堂):\n" + "\n".join(
        dict.fromkeys(wrong)
    )


def test_module_titles_and_intros_say_module():
    data = DemoFile("course.yaml").data
    for module in data["modules"]:
        for text in (module["title"], module["intro"]):
            allowed = {m.start() + m.group().index("單元") for m in ICAP_UNIT.finditer(text)}
            stray = [m.start() for m in UNIT_WORD.finditer(text) if m.start() not in allowed]
            assert not stray, f"{module['slug']}: 單元 in {text[:60]}"
    intros = [m["intro"] for m in data["modules"] if "工作任務" in m["intro"]]
    assert intros and all("本模組" in intro for intro in intros)


def test_the_pack_lesson_states_the_packs_rules():
    data = DemoFile("course.yaml").data
    first_module = data["modules"][0]
    pack = next(x for x in first_module["lessons"] if x["slug"] == programme.PACK_SLUG)
    assert pack["title"] == programme.PACK_TITLE
    text = "".join(value for _path, value in _strings(pack["body"]))
    for rule in (
        "每 NT$50 得 1 點",
        "1 點折抵 NT$1",
        "滿 100 點",
        "50%",
        "12 個月",
        "NT$12,000",
        "NT$30,000",
        "特價商品也計入",
        "50 點歡迎點數",
        "30 天內",
        "6 個月以上",
        "回流禮",
        "NT$300",
        "NT$3,000",
        "NT$100 以內",
        "NT$500 以內",
        "最多 500 點",
        "店長",
        "0800",
        "30 天前",
        "消保官",
        "#programme-pack-document",
    ):
        assert rule in text, rule


@pytest.mark.django_db
def test_loading_twice_keeps_one_pack_document_the_lesson_links_to(client_as):
    import_seed()
    course = course_loader.load_course()
    first = get_document_model().objects.get(title=programme.PACK_TITLE)
    course_loader.load_course()  # twice: one Document, its file not rendered again

    documents = get_document_model().objects.filter(title=programme.PACK_TITLE)
    assert documents.count() == 1
    document = documents.get()
    assert (document.pk, document.file.name) == (first.pk, first.file.name)
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"

    first_module = ModulePage.objects.child_of(course).first()
    lesson = LessonPage.objects.child_of(first_module).live().get(slug=programme.PACK_SLUG)
    client, _user = client_as("trainer")  # a trainer previews every lesson
    html = client.get(lesson.url).content.decode()
    assert document.url in html
    assert "#programme-pack-document" not in html

    download = client.get(document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
