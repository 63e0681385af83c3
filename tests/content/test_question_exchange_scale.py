"""The question bank's Moodle XML import at 500 questions (issue 17): a file of every type
the importer reads, previewed and confirmed through the admin as drafts waiting for the
two-person review; one bad question, or a code the bank took after the preview, that
refuses the whole file; the export of the 500; and query counts that do not grow with the
questions (the preview, the export) or grow by an exact constant per question (the
import's writes)."""

import html
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag
from wagtail.models import Revision, TaskState, WorkflowState

from content.models.framework import CompetencyItem
from content.models.questions import Question, QuestionOption, QuestionRubricCriterion
from content.models.review import TwoPersonApprovalTask
from content.question_exchange import moodle_xml
from content.question_exchange.importer import question_import_plan, questions_import
from core.models import AuditEntry
from tests.content.test_question_exchange import snapshot
from tests.factories.quizzes import make_question, make_unit

pytestmark = pytest.mark.django_db

SIZE = 500
INDICATORS = ("T1.1", "T1.2", "T2.1", "T2.2", "T3.1")
ITEMS = ("K1", "K2")
TOPICS = (
    "會員等級升級條件",
    "點數到期提醒",
    "生日禮遇",
    "客訴處理",
    "推薦好友獎勵",
    "集點卡兌換",
    "VIP 專屬活動",
    "回購率追蹤",
    "滿意度調查",
    "流失客戶挽回",
)
TAGS = ("會員經營", "顧客關係", "門市服務", "數據分析", "活動規劃")
DIFFICULTIES = ("easy", "medium", "hard")
# Ten questions, every type the importer reads (multichoice single and multiple, truefalse,
# matching, numerical, ordering, essay); they hold 30 options and rubric criteria together.
PATTERN = (
    "single",  # 4 options
    "true_false",
    "multiple",  # 4 options
    "matching",  # 3 pairs
    "numeric",
    "ordering",  # 5 items
    "written",  # 3 rubric criteria
    "single",  # 4
    "matching",  # 3
    "multiple",  # 4
)
CHILD_ROWS_PER_TEN = 30


def kind_of(i: int) -> str:
    """Question i's type: each run of ten questions holds the pattern once, in an order
    that moves on by one every ten, so the first, middle and last differ."""
    return PATTERN[(i + i // 10) % len(PATTERN)]


def spec(i: int) -> dict:
    """Question i (0-based) as the bank should hold it: snapshot()'s shape, and its code."""
    number, topic, kind = i + 1, TOPICS[i % len(TOPICS)], kind_of(i)
    indicators = {INDICATORS[i % 5]} | ({INDICATORS[(i + 2) % 5]} if i % 2 == 0 else set())
    q = {
        "code": f"scale-{number:04d}",
        "qtype": kind,
        "difficulty": DIFFICULTIES[i % 3],
        "points": Decimal("1"),
        "true_false": None,
        "numeric": None,
        "model_answer": "",
        "feedback": f"說明 {number}",
        "partial": None,
        "options": [],
        "rubric": [],
        "indicators": sorted(indicators),
        "items": [ITEMS[i % 2]],
        "tags": [TAGS[i % 5]],
    }
    if kind == "single":
        q["text"] = f"第 {number} 題：關於{topic}，下列何者正確？"
        q["options"] = [(f"{topic}選項{k + 1}（{number}）", k == i % 4, "") for k in range(4)]
    elif kind == "multiple":
        q["text"] = f"第 {number} 題：關於{topic}，哪些做法正確？"
        q["points"], q["partial"] = Decimal("2"), "proportional"
        q["options"] = [(f"{topic}敘述{k + 1}（{number}）", k < 2, "") for k in range(4)]
    elif kind == "true_false":
        q["text"] = f"第 {number} 題：{topic}應主動告知顧客。"
        q["true_false"] = (i // 10) % 2 == 0
    elif kind == "matching":
        q["text"] = f"第 {number} 題：請配對{topic}的情境與做法。"
        q["partial"] = "proportional"
        q["options"] = [
            (f"{topic}情境{k + 1}（{number}）", False, f"做法{k + 1}") for k in range(3)
        ]
    elif kind == "numeric":
        q["text"] = f"第 {number} 題：{topic}的目標達成率是多少？"
        q["numeric"] = (Decimal(i % 90 + 5), Decimal("0.5"), "%")
    elif kind == "ordering":
        q["text"] = f"第 {number} 題：請排列{topic}的步驟。"
        q["partial"] = "all_or_nothing" if i % 2 else "proportional"
        q["options"] = [(f"{topic}步驟{k + 1}（{number}）", False, "") for k in range(5)]
    else:
        q["text"] = f"第 {number} 題：顧客詢問{topic}時，你會怎麼回應？"
        q["points"] = Decimal("3")
        q["model_answer"] = f"先傾聽顧客對{topic}的需求，再說明方案。"
        q["rubric"] = [(name, Decimal("1")) for name in ("傾聽需求", "說明方案", "確認滿意")]
    return q


def _x(text: str) -> str:
    return html.escape(text, quote=False)


def question_xml(q: dict) -> str:
    """`q` as Moodle writes it: HTML question text, tags for indicators, K/S items and
    difficulty, answers with Moodle's fractions."""
    kind, number = q["qtype"], int(q["code"].rsplit("-", 1)[1])
    parts = [
        f"<name><text>第 {number} 題</text></name><idnumber>{q['code']}</idnumber>",
        f'<questiontext format="html"><text>{_x("<p>" + q["text"] + "</p>")}</text></questiontext>',
        f'<generalfeedback format="html"><text>{_x(q["feedback"])}</text></generalfeedback>',
        f"<defaultgrade>{q['points']}</defaultgrade>",
    ]
    if kind in ("single", "multiple"):
        moodle_type = "multichoice"
        parts.append(f"<single>{'true' if kind == 'single' else 'false'}</single>")
        for k, (text, correct, _match) in enumerate(q["options"]):
            # multiple response: 50 % for each of the two correct, -25 % for a wrong one
            fraction = (100 if correct else 0) if kind == "single" else (50 if correct else -25)
            parts.append(
                f'<answer fraction="{fraction}"><text>{_x(text)}</text>'
                f"<feedback><text>回饋 {k + 1}</text></feedback></answer>"
            )
    elif kind == "true_false":
        moodle_type = "truefalse"
        truth = "true" if q["true_false"] else "false"
        other = "false" if q["true_false"] else "true"
        parts.append(f'<answer fraction="100"><text>{truth}</text></answer>')
        parts.append(f'<answer fraction="0"><text>{other}</text></answer>')
    elif kind == "matching":
        moodle_type = "matching"
        for text, _correct, match in q["options"]:
            parts.append(
                f'<subquestion format="html"><text>{_x(text)}</text>'
                f"<answer><text>{_x(match)}</text></answer></subquestion>"
            )
    elif kind == "numeric":
        moodle_type = "numerical"
        value, tolerance, unit = q["numeric"]
        parts.append(
            f'<answer fraction="100"><text>{value}</text><tolerance>{tolerance}</tolerance></answer>'
            f"<units><unit><multiplier>1</multiplier><unit_name>{unit}</unit_name></unit></units>"
        )
    elif kind == "ordering":
        moodle_type = "ordering"
        grading = "-1" if q["partial"] == "all_or_nothing" else "0"
        parts.append(f"<gradingtype>{grading}</gradingtype>")
        # written last first: the fractions give the correct order
        for position, (text, _correct, _match) in reversed(list(enumerate(q["options"], 1))):
            parts.append(f'<answer fraction="{position}"><text>{_x(text)}</text></answer>')
    else:
        moodle_type = "essay"
        rubric = "".join(f"\n[{points}] {text}" for text, points in q["rubric"])
        parts.append(
            f'<graderinfo format="plain_text"><text>{_x(q["model_answer"] + rubric)}</text>'
            "</graderinfo>"
        )
    tags = [f"indicator:{code}" for code in reversed(q["indicators"])]
    tags += [f"item:{code}" for code in q["items"]]
    tags += [f"difficulty:{q['difficulty']}", *q["tags"]]
    parts.append("<tags>" + "".join(f"<tag><text>{_x(t)}</text></tag>" for t in tags) + "</tags>")
    return f'<question type="{moodle_type}">' + "".join(parts) + "</question>"


def moodle_file(size: int = SIZE, replace: dict[int, str] | None = None) -> bytes:
    """A Moodle XML file of `size` questions (a category first, as Moodle writes it);
    `replace` maps a question's index to other XML."""
    questions = [question_xml(spec(i)) for i in range(size)]
    for i, xml in (replace or {}).items():
        questions[i] = xml
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="category"><category><text>$course$/忠誠度題庫</text></category>'
        "</question>\n" + "\n".join(questions) + "\n</quiz>\n"
    ).encode()


def scale_unit():
    unit = make_unit(indicators=INDICATORS)  # and K1
    CompetencyItem.objects.create(unit=unit, kind="knowledge", code="K2", text="知識 2")
    return unit


def urls() -> dict[str, str]:
    with translation.override("zh-hant"):
        return {
            "import": reverse("question_import:index"),
            "export": reverse("question_import:export"),
        }


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("題庫.xml", data, content_type="text/xml")


def written() -> dict[str, int]:
    """What an import writes, counted."""
    return {
        "questions": Question.objects.count(),
        "options": QuestionOption.objects.count(),
        "criteria": QuestionRubricCriterion.objects.count(),
        "revisions": Revision.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Question)
        ).count(),
        "workflows": WorkflowState.objects.count(),
        "tags": Tag.objects.count(),
        "audit": AuditEntry.objects.filter(action="questions.imported").count(),
    }


NOTHING = dict.fromkeys(
    ("questions", "options", "criteria", "revisions", "workflows", "tags", "audit"), 0
)
FIRST, MIDDLE, LAST = 0, SIZE // 2, SIZE - 1


# --- counting queries ----------------------------------------------------------------------


def _queries(request) -> tuple[list[str], object]:
    """The statements one request runs, and its response. CaptureQueriesContext reads
    connection.queries, which keeps only the last 9,000 (the log is cleared first); the
    import of 500 questions runs more, so an execute wrapper counts them all. The two agree
    wherever the log holds every statement."""
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(count):
        response = request()
    assert len(captured) == min(len(statements), connection.queries_log.maxlen)
    return statements, response


def post_file(client, unit, data: bytes, status=200):
    statements, response = _queries(
        lambda: client.post(urls()["import"], {"file": upload(data), "unit": unit.pk})
    )
    assert response.status_code == status, response.content.decode()[:2000]
    return statements, response


def post_confirmation(client, preview):
    token = preview.context["token"]
    statements, response = _queries(
        lambda: client.post(urls()["import"], {"token": token, "submit_for_review": "on"})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return statements, response


def get_export(client):
    statements, response = _queries(lambda: client.get(urls()["export"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return statements, response


class _Measured(Exception):
    pass


def _measure(client, unit, size: int) -> dict[str, list[str]]:
    """The statements of the preview, the import and the export of a `size`-question file;
    everything written rolled back after."""
    found = {}
    try:
        with transaction.atomic():
            found["preview"], preview = post_file(client, unit, moodle_file(size))
            found["import"], _ = post_confirmation(client, preview)
            found["export"], exported = get_export(client)
            assert Question.objects.count() == size
            assert len(moodle_xml.parse(exported.content)) == size
            raise _Measured
    except _Measured:
        pass
    assert written() == NOTHING
    return found


# The import's cost per question, on top of a fixed cost per file (the preview's reads, done
# again, and the review workflow read once), as measured on SQLite, as the tests run:
#
# Writes, 18: INSERT the question; its options or rubric criteria, one INSERT each, 3 on
# average (each ten questions of the file hold 30); its tag, its indicators and its K/S item
# (one INSERT each, all its indicators at once); its first revision (INSERT, and UPDATE of
# the question's latest revision); two Wagtail log entries (created, submitted for review);
# its review (INSERT the workflow state and the task state, UPDATE the workflow state with
# its current task); its search index entry (INSERT after the question's first save,
# UPDATE after the revision's, and each time UPDATE of the index's title norms, 2).
WRITES_PER_QUESTION = 18
# Savepoints, 5 (each a SAVEPOINT and a RELEASE): CreateAction.execute and its _create,
# Workflow.start, and WorkflowState's conditional unique constraint at each of its 2 saves.
SAVEPOINTS_PER_QUESTION = 10
# Reads, 43, that Wagtail, modelcluster and the search backend make as they write one
# question; none looks up what the file refers to (that is read once per file: LOOKUPS):
# - the question's own rows, read back as modelcluster commits each relation and as its
#   revision is serialised: tags 1, options 2, criteria 2, indicators 2, K/S items 2 (9);
# - the search index, after each of the 2 saves: the question read again and checked, its
#   entry, the average title length (8);
# - Workflow.start: the next task and its specific class, the question and its latest
#   revision for the task state, the approvers to notify of the submission and of the
#   task (6);
# - Django's validation as Wagtail saves its 2 log entries and the workflow state twice:
#   foreign keys (content types 6, user 4, revision 2, workflow 2, task state 1) and
#   uniqueness (the constraint 2, no other state in progress 2, the current task state 1)
#   (20).
# On PostgreSQL, Wagtail's search backend there reads 2 fewer (no average title length to
# read after each save): 41.
READS_PER_QUESTION = 41 if connection.vendor == "postgresql" else 43
QUERIES_PER_QUESTION = WRITES_PER_QUESTION + SAVEPOINTS_PER_QUESTION + READS_PER_QUESTION

# Reads of what the questions refer to: once per file, whatever its size.
LOOKUPS = re.compile(
    r'FROM "content_indicator" WHERE|FROM "content_competencyitem" WHERE|FROM "taggit_tag"'
    r'|WHERE "content_question"\."code"|FROM "wagtailcore_workflowcontenttype"'
)


def _kind(sql: str) -> str:
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb in ("INSERT", "UPDATE", "DELETE"):
        return "writes"
    return "savepoints" if verb in ("SAVEPOINT", "RELEASE") else "reads"


def assert_query_counts(small: dict[str, list[str]], large: dict[str, list[str]]) -> None:
    """`small` at 50 questions, `large` at SIZE: the preview and the export the same, the
    import the same lookups and an exact cost per question more."""
    assert len(large["preview"]) == len(small["preview"])
    assert len(large["export"]) == len(small["export"])
    lookups = [
        Counter(
            re.sub(r"\((?:%s, )*%s\)", "(...)", sql) for sql in found[step] if LOOKUPS.search(sql)
        )
        for found in (small, large)
        for step in ("preview", "import")
    ]
    assert lookups[0] == lookups[2] and lookups[1] == lookups[3] and lookups[1]
    extra = SIZE - 50
    kinds = [Counter(map(_kind, found["import"])) for found in (small, large)]
    assert {kind: kinds[1][kind] - kinds[0][kind] for kind in kinds[1]} == {
        "writes": extra * WRITES_PER_QUESTION,
        "savepoints": extra * SAVEPOINTS_PER_QUESTION,
        "reads": extra * READS_PER_QUESTION,
    }, kinds
    assert len(large["import"]) - len(small["import"]) == extra * QUERIES_PER_QUESTION


# --- 500 questions, end to end -------------------------------------------------------------


# One run of 500 both checked and counted (an import of 500 takes a good part of the time
# budget); the import's capture goes past the query log's 9,000, which Django warns of.
@pytest.mark.filterwarnings("ignore:Limit for query logging exceeded")
def test_500_questions_previewed_imported_and_exported(client_as):
    client, trainer = client_as("trainer")
    unit = scale_unit()
    _measure(client, unit, 10)  # warm what is read once per process (content types, ...)
    small = _measure(client, unit, 50)
    large = {}
    data = moodle_file()
    assert len(data) < moodle_xml.MAX_BYTES
    assert (kind_of(FIRST), kind_of(MIDDLE), kind_of(LAST)) == ("single", "ordering", "matching")

    # The preview: all 500 valid, nothing written.
    large["preview"], response = post_file(client, unit, data)
    plan = response.context["plan"]
    assert plan.valid and len(plan.rows) == SIZE
    assert [row.number for row in plan.rows] == list(range(1, SIZE + 1))
    assert [row.data.code for row in plan.rows] == [spec(i)["code"] for i in range(SIZE)]
    page = response.content.decode()
    assert f"題庫.xml：{SIZE} 題，全部正確，屬於職能單元 {unit.code}。" in page
    assert page.count('class="question-import-ok"') == SIZE
    assert "question-import-bad" not in page and 'id="import-errors"' not in page
    assert 'name="token"' in page
    assert written() == NOTHING

    # Confirmed: 500 questions as the file says.
    large["import"], done = post_confirmation(client, response)
    assert f"已匯入 {SIZE} 題草稿" in client.get(done["Location"]).content.decode()
    counts = written()
    assert counts == {
        "questions": SIZE,
        "options": sum(len(spec(i)["options"]) for i in range(SIZE)),
        "criteria": SIZE // len(PATTERN) * 3,
        "revisions": SIZE,
        "workflows": SIZE,
        "tags": len(TAGS),  # the free tags: indicator:, item: and difficulty: are read
        "audit": 1,
    }
    assert counts["options"] + counts["criteria"] == SIZE // 10 * CHILD_ROWS_PER_TEN
    assert Counter(Question.objects.values_list("qtype", flat=True)) == Counter(
        kind_of(i) for i in range(SIZE)
    )
    firsts = {kind: min(i for i in range(SIZE) if kind_of(i) == kind) for kind in PATTERN}
    for i in sorted({FIRST, MIDDLE, LAST, *firsts.values()}):  # and the first of each type
        q = spec(i)
        expected = {key: value for key, value in q.items() if key != "code"}
        assert snapshot(Question.objects.get(code=q["code"])) == expected, i

    # Each a draft waiting for the two-person review: not live (no quiz draws it), its first
    # revision by the importer, its review started by them, at the two-person approval.
    questions = Question.objects.all()
    assert not questions.filter(live=True).exists()
    assert questions.filter(live_revision=None, latest_revision__user=trainer).count() == SIZE
    assert questions.filter(has_unpublished_changes=True).count() == SIZE
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Question),
        object_id__in=[str(pk) for pk in questions.values_list("pk", flat=True)],
    )
    assert states.filter(status="in_progress", requested_by=trainer).count() == SIZE
    tasks = TaskState.objects.filter(workflow_state__in=states, status="in_progress")
    assert tasks.count() == SIZE
    assert set(tasks.values_list("task__content_type__model", flat=True)) == {
        TwoPersonApprovalTask._meta.model_name
    }
    entry = AuditEntry.objects.get(action="questions.imported")
    assert entry.data == {"unit": unit.code, "codes": [spec(i)["code"] for i in range(SIZE)]}

    # Exported back to Moodle XML: the 500, as they were imported.
    large["export"], exported = get_export(client)
    items = moodle_xml.parse(exported.content)
    assert len(items) == SIZE and not any(item.errors for item in items)
    by_code = {item.data.code: item.data for item in items}
    assert sorted(by_code) == [spec(i)["code"] for i in range(SIZE)]
    for i in (FIRST, MIDDLE, LAST):
        q, again = spec(i), by_code[spec(i)["code"]]
        assert (again.qtype, again.text, again.difficulty) == (
            q["qtype"],
            q["text"],
            q["difficulty"],
        )
        assert [(o.text, o.is_correct, o.match_text) for o in again.options] == q["options"]
        assert (again.indicator_codes, again.item_codes, again.tags) == (
            q["indicators"],
            q["items"],
            q["tags"],
        )

    print(
        "\nquestion exchange queries: "
        + "; ".join(
            f"{size} questions: " + ", ".join(f"{name} {len(found[name])}" for name in found)
            for size, found in ((50, small), (SIZE, large))
        )
    )
    assert_query_counts(small, large)


# --- one bad question of 500 ---------------------------------------------------------------

BAD = 317  # the file's question 317 (index 316, a single choice)


def _bad_indicator() -> str:
    q = spec(BAD - 1)
    q["indicators"] = ["T9.9"]
    return question_xml(q)


def _no_correct_answer() -> str:
    q = spec(BAD - 1)
    assert q["qtype"] == "single"
    q["options"] = [(text, False, match) for text, _correct, match in q["options"]]
    return question_xml(q)


@pytest.mark.parametrize(
    ("role", "bad", "words"),
    [
        ("trainer", _bad_indicator, "沒有行為指標「T9.9」"),
        ("admin", _no_correct_answer, "單選題必須恰有一個得分選項；這題有 0 個。"),
    ],
    ids=["unknown-indicator", "no-correct-answer"],
)
def test_one_bad_question_refuses_the_whole_file(client_as, role, bad, words):
    client, user = client_as(role)
    unit = scale_unit()
    data = moodle_file(replace={BAD - 1: bad()})
    _statements, response = post_file(client, unit, data, status=400)
    plan = response.context["plan"]
    assert not plan.valid and len(plan.rows) == SIZE and plan.error_count == 1
    [row] = [row for row in plan.rows if row.errors]
    assert row.number == BAD and row.data.code == spec(BAD - 1)["code"]
    assert len(row.errors) == 1 and words in row.errors[0]
    page = response.content.decode()
    assert "題庫.xml：有 1 題無法匯入，因此整個檔案都不會匯入。" in page
    assert page.count('class="question-import-bad"') == 1
    assert f'data-question="{BAD}"' in page and words in page
    assert page.count('class="question-import-ok"') == SIZE - 1
    assert 'name="token"' not in page and response.context["token"] is None
    # The import itself (reached only with the preview's token) refuses the file too.
    with translation.override("zh-hant"), pytest.raises(ValidationError) as refused:
        questions_import(data=data, unit=unit, user=user, submit_for_review=True)
    [message] = refused.value.messages
    assert message.startswith(f"第 {BAD} 題：") and words in message
    assert written() == NOTHING


def test_a_code_taken_after_the_preview_refuses_all_500(client_as):
    """The import checks the file again: a code the bank took between the preview and the
    confirmation refuses all 500 questions, not just that one, with the editor's own error
    (the import reads the bank's codes once for the file)."""
    client, trainer = client_as("trainer")
    unit = scale_unit()
    _statements, response = post_file(client, unit, moodle_file())
    assert response.context["plan"].valid
    taken = spec(399)["code"]  # question 400
    make_question("single", code=taken)
    before = written()
    _statements, refused = post_confirmation(client, response)
    shown = client.get(refused["Location"]).content.decode()
    assert "預覽後題庫已有變動，因此沒有匯入任何題目：請重新上傳。" in shown
    assert written() == before
    with translation.override("zh-hant"):
        plan = question_import_plan(data=moodle_file(), unit=unit, user=trainer)
        editor = Question.snippet_viewset.get_edit_handler().get_form_class()
        form = editor({"code": taken}, instance=Question(), for_user=trainer)
        expected = f"{form.fields['code'].label}: {form.errors['code'][0]}"
    [row] = [row for row in plan.rows if row.errors]
    assert row.number == 400 and row.errors == [expected]
    assert "已經存在" in expected
