"""Question import and export in Moodle XML: the round trip of the demo bank, each Moodle
type's mapping, per-question errors with nothing written, imports as drafts waiting for the
two-person review, and the admin screens (upload, preview, confirm; export) per role."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.models import WorkflowState

from content.demo import questions as demo
from content.models.framework import Indicator
from content.models.questions import Question, QuestionOption
from content.pages.course import CourseIndexPage, CoursePage
from content.pages.home import HomePage
from content.pages.quiz import QuizPage
from content.question_exchange import moodle_xml
from content.question_exchange.export import questions_for_export, questions_moodle_xml
from content.question_exchange.importer import question_import_plan, questions_import
from content.services.review import review_workflow_ensure
from core.models import AuditEntry
from tests.factories.framework import import_seed
from tests.factories.quizzes import make_question, make_unit

pytestmark = pytest.mark.django_db


def snapshot(question: Question) -> dict:
    return {
        "qtype": question.qtype,
        "text": question.text,
        "difficulty": question.difficulty,
        "points": question.points,
        "true_false": question.true_false_answer if question.qtype == "true_false" else None,
        "numeric": (question.numeric_answer, question.numeric_tolerance, question.numeric_unit)
        if question.qtype == "numeric"
        else None,
        "model_answer": question.model_answer,
        "feedback": question.feedback,
        "partial": question.partial_credit
        if question.qtype in ("multiple", "matching", "ordering")
        else None,
        "options": [
            (o.text, o.is_correct, o.match_text) for o in question.options.order_by("sort_order")
        ],
        "rubric": [(c.text, c.points) for c in question.rubric_criteria.order_by("sort_order")],
        "indicators": sorted(i.code for i in question.indicators.all()),
        "items": sorted(i.code for i in question.competency_items.all()),
        "tags": sorted(t.name for t in question.tags.all()),
    }


def wrap(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><quiz>' + "".join(questions) + "</quiz>"
    ).encode()


def essay(name="essay-1", info="先道歉，再說明補救方式。", tags=""):
    return f"""<question type="essay"><name><text>{name}</text></name>
      <questiontext format="html"><text>&lt;p&gt;顧客抱怨時你會怎麼說？&lt;/p&gt;</text></questiontext>
      <defaultgrade>2</defaultgrade><graderinfo format="plain_text"><text>{info}</text></graderinfo>
      <tags>{tags}</tags></question>"""


def tf(name="tf-1", tags="<tag><text>indicator:T1.1</text></tag>"):
    return f"""<question type="truefalse"><name><text>{name}</text></name>
      <questiontext format="html"><text>點數會過期。</text></questiontext>
      <answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer>
      <tags>{tags}</tags></question>"""


@pytest.fixture
def demo_course(db):
    unit = import_seed()
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first() or home.add_child(
        instance=CourseIndexPage(title="課程", slug="courses")
    )
    review_workflow_ensure(page=index)
    return index.add_child(
        instance=CoursePage(title="示範課程", slug="loyalty-programs", unit=unit)
    )


def test_round_trip_of_the_demo_bank(demo_course, trainer):
    demo.load()
    before = {q.code: snapshot(q) for q in Question.objects.all()}
    assert {s["qtype"] for s in before.values()} >= {
        "single",
        "multiple",
        "true_false",
        "numeric",
        "matching",
        "ordering",
        "written",
    }
    data = questions_moodle_xml(questions_for_export(Question.objects.all()))
    for quiz in QuizPage.objects.all():
        quiz.delete()
    Question.objects.all().delete()

    plan = question_import_plan(data=data, unit=demo_course.unit, user=trainer)
    assert plan.valid, [(row.number, row.errors) for row in plan.rows if row.errors]
    created = questions_import(data=data, unit=demo_course.unit, user=trainer)
    assert len(created) == len(before)
    after = {q.code: snapshot(q) for q in Question.objects.all()}
    assert after == before
    assert not Question.objects.filter(live=True).exists()  # drafts until reviewed


def test_each_moodle_type_maps_to_ours():
    xml = wrap(
        """<question type="category"><category><text>$course$/Loyalty</text></category></question>""",
        """<question type="multichoice"><name><text>Tier names</text></name>
          <questiontext format="html"><text>&lt;p&gt;Which&lt;br&gt;tiers?&lt;/p&gt;</text></questiontext>
          <defaultgrade>3</defaultgrade><single>false</single>
          <answer fraction="50"><text>Gold</text><feedback><text>yes</text></feedback></answer>
          <answer fraction="50"><text>Silver</text></answer>
          <answer fraction="-25"><text>Paper</text></answer>
          <tags><tag><text>difficulty:hard</text></tag><tag><text>tiers</text></tag></tags>
        </question>""",
        """<question type="numerical"><name><text>NPS</text></name>
          <questiontext format="html"><text>NPS?</text></questiontext>
          <answer fraction="100"><text>35</text><tolerance>0.5</tolerance></answer>
          <units><unit><multiplier>1</multiplier><unit_name>分</unit_name></unit></units>
        </question>""",
        """<question type="ordering"><name><text>Steps</text></name>
          <questiontext format="html"><text>Order</text></questiontext><gradingtype>-1</gradingtype>
          <answer fraction="2"><text>second</text></answer><answer fraction="1"><text>first</text></answer>
        </question>""",
        essay(info="Apologise first.\n[1] Apologises\n[1] Offers a remedy"),
    )
    items = moodle_xml.parse(xml)
    assert [i.errors for i in items] == [[], [], [], []]
    choice, numeric, ordering, written = (i.data for i in items)
    assert (choice.code, choice.qtype, choice.text, choice.points) == (
        "tier-names",
        "multiple",
        "Which\ntiers?",
        Decimal("3.00"),
    )
    assert [(o.text, o.is_correct) for o in choice.options] == [
        ("Gold", True),
        ("Silver", True),
        ("Paper", False),
    ]
    assert (choice.partial_credit, choice.penalty, choice.difficulty, choice.tags) == (
        "proportional",
        Decimal("0.500"),
        "hard",
        ["tiers"],
    )
    assert (numeric.numeric_answer, numeric.numeric_tolerance, numeric.numeric_unit) == (
        Decimal("35"),
        Decimal("0.5"),
        "分",
    )
    assert [o.text for o in ordering.options] == ["first", "second"]
    assert ordering.partial_credit == "all_or_nothing"
    assert written.model_answer == "Apologise first."
    assert [(c.text, c.points) for c in written.rubric] == [
        ("Apologises", Decimal("1")),
        ("Offers a remedy", Decimal("1")),
    ]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<quiz><question", "格式"),  # malformed: not well-formed XML
        ('<!DOCTYPE quiz [<!ENTITY x "boom">]><quiz>&x;</quiz>', "DTD"),
        ("<questions/>", "<quiz>"),
        ("<quiz></quiz>", "沒有"),
    ],
)
def test_unreadable_files_are_refused_whole(body, expected):
    with translation.override("zh-hant"), pytest.raises(moodle_xml.MoodleXMLError) as caught:
        moodle_xml.parse(body.encode())
    if expected not in ("DTD", "<quiz>"):
        assert expected in str(caught.value)
    else:
        assert expected in str(caught.value)


def test_per_question_errors_and_nothing_written(trainer):
    unit = make_unit()
    make_question("single", code="taken")
    xml = wrap(
        tf(name="fine"),
        """<question type="calculated"><name><text>calc</text></name>
           <questiontext><text>x</text></questiontext></question>""",
        """<question type="shortanswer"><name><text>short</text></name>
           <questiontext><text>x</text></questiontext>
           <answer fraction="100"><text>yes</text></answer></question>""",
        """<question type="numerical"><name><text>no-answer</text></name>
           <questiontext><text>x</text></questiontext></question>""",
        tf(name="bad-indicator", tags="<tag><text>indicator:T9.9</text></tag>"),
        tf(name="taken", tags=""),
        essay(info=""),
    )
    before = (Question.objects.count(), QuestionOption.objects.count())
    with translation.override("zh-hant"):
        plan = question_import_plan(data=xml, unit=unit, user=trainer)
        errors = {row.name: " ".join(row.errors) for row in plan.rows}
        assert not plan.valid and plan.error_count == 6
        assert errors["fine"] == ""
        assert "calculated" in errors["calc"]
        assert "簡答" in errors["short"]
        assert errors["no-answer"]
        assert "T9.9" in errors["bad-indicator"]
        assert errors["taken"]  # the code is already in the bank
        assert errors["essay-1"]
        with pytest.raises(ValidationError):
            questions_import(data=xml, unit=unit, user=trainer)
    assert (Question.objects.count(), QuestionOption.objects.count()) == before


def test_imported_questions_are_drafts_submitted_for_review(trainer):
    unit = make_unit()
    review_workflow_ensure(page=HomePage.objects.first() or _home())
    created = questions_import(
        data=wrap(tf(name="one"), tf(name="two")), unit=unit, user=trainer, submit_for_review=True
    )
    assert [q.code for q in created] == ["one", "two"]
    for question in created:
        question.refresh_from_db()
        assert not question.live and question.latest_revision.user == trainer
        assert list(question.indicators.values_list("code", flat=True)) == ["T1.1"]
    states = WorkflowState.objects.filter(object_id__in=[str(q.pk) for q in created])
    assert states.filter(status="in_progress").count() == 2
    assert AuditEntry.objects.filter(action="questions.imported").count() == 1


def _home():
    from content.services.site import site_ensure_home

    return site_ensure_home()


# --- the admin screens


def admin_urls():
    with translation.override("zh-hant"):
        return {
            "import": reverse("question_import:index"),
            "export": reverse("question_import:export"),
            "list": reverse("wagtailsnippets_content_question:list"),
        }


def upload(xml: bytes, name="bank.xml"):
    return SimpleUploadedFile(name, xml, content_type="text/xml")


@pytest.mark.parametrize("role", ["anonymous", "trainee", "assessor"])
def test_import_and_export_refused_to_non_authors(client_as, role):
    client, _user = client_as(role)
    for url in (admin_urls()["import"], admin_urls()["export"]):
        response = client.get(url)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"] or response["Location"] == "/admin/"


def test_import_preview_then_confirm(client_as):
    unit = make_unit()
    _home()
    client, trainer = client_as("trainer")
    url = admin_urls()["import"]
    page = client.get(url)
    assert page.status_code == 200 and "Moodle XML" in page.content.decode()
    preview = client.post(url, {"file": upload(wrap(tf(name="one"), essay())), "unit": unit.pk})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "one" in html and "essay-1" in html and 'name="token"' in html
    assert Question.objects.count() == 0  # nothing written by the preview
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post(url, {"token": token, "submit_for_review": "on"})
    assert done.status_code == 302
    assert set(Question.objects.values_list("code", flat=True)) == {"one", "essay-1"}
    assert not Question.objects.filter(live=True).exists()
    listing = client.get(done["Location"]).content.decode()
    assert "已匯入 2" in listing


def test_import_with_errors_shows_them_and_offers_no_confirm(client_as):
    unit = make_unit()
    client, _trainer = client_as("trainer")
    response = client.post(
        admin_urls()["import"],
        {
            "file": upload(wrap(tf(name="bad", tags="<tag><text>indicator:T9.9</text></tag>"))),
            "unit": unit.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "T9.9" in html and 'name="token"' not in html
    broken = client.post(admin_urls()["import"], {"file": upload(b"<quiz><oops"), "unit": unit.pk})
    assert broken.status_code == 400 and "XML" in broken.content.decode()
    tampered = client.post(admin_urls()["import"], {"token": "nonsense"})
    assert tampered.status_code == 302
    assert Question.objects.count() == 0


def test_export_all_filtered_or_selected(client_as):
    unit = make_unit()
    t11 = Indicator.objects.get(unit=unit, code="T1.1")
    make_question("single", code="alpha", indicators=[t11])
    make_question("numeric", code="beta")
    client, _user = client_as("trainer")
    everything = client.get(admin_urls()["export"])
    assert everything.status_code == 200
    assert everything["Content-Type"].startswith("application/xml")
    assert "attachment" in everything["Content-Disposition"]
    codes = [i.data.code for i in moodle_xml.parse(everything.content)]
    assert codes == ["alpha", "beta"]
    filtered = client.get(admin_urls()["export"], {"indicator": t11.pk})
    assert [i.data.code for i in moodle_xml.parse(filtered.content)] == ["alpha"]
    beta = Question.objects.get(code="beta")
    selected = client.get(admin_urls()["export"], {"id": [beta.pk, "99999999999999999999999"]})
    assert [i.data.code for i in moodle_xml.parse(selected.content)] == ["beta"]
    listing = client.get(admin_urls()["list"]).content.decode()
    assert admin_urls()["import"] in listing and admin_urls()["export"] in listing
