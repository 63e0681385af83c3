"""The pure unit parser: the iCAP seed with its quirks, our YAML format, and bad files."""

import unicodedata
from pathlib import Path

import pytest
from django.utils import translation

from content.unit_import import ParseError, chinese_number, parse_unit

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "content" / "data" / "units" / "KPS5R0821v2.txt"
EXAMPLE = ROOT / "content" / "data" / "units" / "example-unit.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "units"


@pytest.fixture(scope="module")
def seed():
    return parse_unit(SEED.read_bytes(), SEED.name)


def test_bundled_copy_is_byte_identical_to_the_seed():
    shared = ROOT.parent / "shared" / "seeds" / "002_a8c76e850ddd4be9.txt"
    if not shared.exists():
        pytest.skip("shared seeds not mounted")
    assert SEED.read_bytes() == shared.read_bytes()


def test_seed_header(seed):
    assert (seed.code, seed.base_code, seed.version) == ("KPS5R0821v2", "KPS5R0821", "v2")
    assert seed.title == "提升客戶忠誠度方案"
    assert seed.domain == "行銷與銷售/專業銷售"
    assert seed.level == 4
    assert seed.framework_name == "iCAP"


def test_seed_tasks_and_indicators(seed):
    assert [t.code for t in seed.tasks] == ["T1", "T2", "T3", "T4"]
    assert [t.title for t in seed.tasks] == [
        "確認客戶忠誠度方案的細節",
        "提升客戶參與忠誠度方案",
        "提供客戶忠誠度方案獎勵",
        "查看客戶響應忠誠度方案",
    ]
    assert [i.code for i in seed.indicators] == [
        "T1.1", "T1.2", "T1.3", "T2.1", "T2.2", "T2.3", "T2.4",
        "T3.1", "T3.2", "T3.3", "T4.1", "T4.2", "T4.3",
    ]  # fmt: skip
    by_code = {i.code: i.text for i in seed.indicators}
    assert by_code["T2.2"] == "向符合資格條件的客戶解釋忠誠度方案好處、條款和內容"
    assert by_code["T3.3"] == "依據商店政策發展，定期為新的或回頭客提供適當獎勵方案"
    assert (
        by_code["T4.2"] == "評估忠誠度獎勵內原有客戶及新客戶優惠成果，並與相關人員討論可能改進方向"
    )
    # Byte-for-byte: the UTF-8 bytes of each indicator occur verbatim in the file.
    raw = SEED.read_bytes()
    for indicator in seed.indicators:
        assert indicator.text.encode() in raw


def test_seed_knowledge_with_page_break_and_empty_sub_item(seed):
    assert [k.code for k in seed.knowledge] == ["K1", "K2", "K3", "K4", "K5"]
    # K4 is split by a page break in the middle of 健康: joined back without a gap.
    assert seed.knowledge[3].text == (
        "相關立法，法定要求和相關零售行業行為守則，包括工作健康與安全 ( 工作場域衛生與安全 )"
    )
    k5 = seed.knowledge[4]
    assert k5.text == "客戶服務與忠誠度方案存儲策略和程序："
    assert [(c.code, c.text) for c in k5.children] == [("K5.1", "")]
    assert any("K5.1" in w for w in seed.warnings)


def test_seed_skills(seed):
    assert [(s.code, s.text) for s in seed.skills] == [
        ("S1", "溝通技能"),
        ("S2", "讀寫技能"),
        ("S3", "依循例行事務和程序做自我管理"),
        ("S4", "使用商店設備的技能"),
    ]


def test_seed_guidance_and_methods(seed):
    sections = {s.section: s for s in seed.guidance}
    assert list(sections) == ["key_evidence", "context", "methods", "extra"]
    assert len(sections["key_evidence"].lines) == 5
    # The key evidence lines become mappable items E1..E5 (the guidance keeps them too).
    assert [(e.kind, e.code) for e in seed.evidence_items] == [
        ("evidence", f"E{n}") for n in range(1, 6)
    ]
    assert seed.evidence_items[1].text == "解釋忠誠度方案予符合資格的客戶"
    context = {line.code: line.text for line in sections["context"].lines}
    assert context["2"] == "忠誠度方案，其中包括："
    assert context["2.(6)"] == "新客戶和回頭客"
    methods = [(line.code, line.method) for line in sections["methods"].lines if line.code]
    assert methods == [
        ("1", "observation"),
        ("2", "role_play"),
        ("3", "customer_feedback"),
        ("4", "questioning"),
        ("5", "portfolio"),
    ]
    assert sections["extra"].lines[0].text == "建議相關的行業部門，工作場所和工作職責等單位全面評量"


def test_seed_notes_keep_the_stray_item(seed):
    assert [n.label for n in seed.notes] == ["註1", "註2", "註3"]
    assert seed.notes[0].heading == "忠誠度方案可能包括："
    assert seed.notes[0].items == [
        "現金返還卡",
        "獨家活動或服務",
        "即時獎勵卡",
        "忠誠度積分卡",
        "VIP 會員卡",
        "憑證",
    ]
    assert len(seed.notes[1].items) == 8
    assert seed.notes[2].items == ["優惠價格", "免費禮品", "特殊活動的邀請"]


def test_text_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Café")
    data = SEED.read_bytes().replace("溝通技能".encode(), f"溝通技能 {decomposed}".encode())
    unit = parse_unit(data, "unit.txt")
    assert unit.skills[0].text == "溝通技能 Café"
    assert unicodedata.is_normalized("NFC", unit.skills[0].text)


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("三", 3), ("五", 5), ("十", 10), ("十二", 12), ("二十", 20), ("x", None)],
)
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


def test_example_yaml_parses():
    unit = parse_unit(EXAMPLE.read_bytes(), EXAMPLE.name)
    assert unit.code == "EXCRM01v1"
    assert unit.title_en == "Maintain member relationships"
    assert [i.code for i in unit.indicators] == ["T1.1", "T1.2", "T2.1", "T2.2"]
    assert [c.code for c in unit.knowledge[1].children] == ["K2.1", "K2.2"]
    assert [line.method for s in unit.guidance if s.section == "methods" for line in s.lines] == [
        "observation",
        "questioning",
    ]


def test_json_format_parses():
    data = (
        '{"code": "EXJ01", "title": "示範", "level": 2,\n'
        ' "tasks": [{"title": "任務", "indicators": ["指標一", {"text": "指標二"}]}]}'
    ).encode()
    unit = parse_unit(data, "unit.json")
    assert [(i.code, i.text) for i in unit.indicators] == [("T1.1", "指標一"), ("T1.2", "指標二")]
    assert unit.version == ""


# Each malformed file: the field and line named, its own message.
BAD_FILES = [
    ("big5.txt", "—", 1, "not valid UTF-8"),
    ("utf16.txt", "—", 1, "UTF-16"),
    ("missing-code.txt", "職能單元代碼", 3, "code is missing"),
    ("missing-title.txt", "職能單元名稱", 4, "title is missing"),
    ("bad-code.txt", "職能單元代碼", 3, "not a valid unit code"),
    ("task-no-indicators.txt", "工作任務與行為指標", 7, "Task T2 has no behaviour indicators"),
    ("duplicate-indicator.txt", "工作任務與行為指標", 7, "Duplicate indicator code T1.1"),
    ("duplicate-field.txt", "職能單元代碼", 7, "appears twice"),
    ("level-not-number.txt", "職能單元級別", 6, "whole number"),
    ("not-a-unit.txt", "職能單元代碼", 1, "not a competency unit"),
    ("empty.txt", "—", 1, "empty"),
    ("bad.yaml", "—", 6, "Invalid YAML"),
    ("bad.json", "—", 6, "Invalid JSON"),
    ("missing-tasks.yaml", "tasks", 1, "no tasks"),
    (
        "yaml-task-no-indicators.yaml",
        "tasks[2].indicators",
        7,
        "Task T2 has no behaviour indicators",
    ),
    ("yaml-level-text.yaml", "level", 3, "whole number"),
    ("yaml-duplicate-codes.yaml", "tasks[2].code", 6, "Duplicate task code T1"),
    ("yaml-not-a-unit.yaml", "code", 1, "not a competency unit"),
]


@pytest.mark.parametrize(("name", "field", "line", "message"), BAD_FILES)
def test_bad_files_name_field_and_line(name, field, line, message):
    with translation.override("en"):
        with pytest.raises(ParseError) as caught:
            parse_unit((FIXTURES / name).read_bytes(), name)
        first = caught.value.errors[0]
        assert (first.field, first.line) == (field, line)
        assert message in first.message
        assert f"Line {line}" in str(first)


def test_bad_file_messages_are_distinct():
    messages = set()
    with translation.override("en"):
        for name, *_rest in BAD_FILES:
            with pytest.raises(ParseError) as caught:
                parse_unit((FIXTURES / name).read_bytes(), name)
            messages.add(str(caught.value))
    assert len(messages) == len(BAD_FILES)


def test_duplicate_codes_are_all_reported():
    with translation.override("en"), pytest.raises(ParseError) as caught:
        parse_unit((FIXTURES / "yaml-duplicate-codes.yaml").read_bytes(), "x.yaml")
    assert [e.field for e in caught.value.errors] == [
        "tasks[2].code",
        "tasks[2].indicators[1]",
        "knowledge[2]",
    ]
