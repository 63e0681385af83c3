"""Scenario test data: a unit with the course's indicator codes, a course tree, and
scenarios built through the same service as the demo loader."""

import itertools

from content.models.framework import CompetencyUnit, Indicator
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.home import HomePage
from content.services.review import review_workflow_ensure
from content.services.scenarios import scenario_page_create
from training.models.enrolment import Enrolment

CODES = (
    "T1.1",
    "T1.2",
    "T1.3",
    "T2.1",
    "T2.2",
    "T2.3",
    "T2.4",
    "T3.1",
    "T3.2",
    "T3.3",
    "T4.1",
    "T4.2",
    "T4.3",
)
_seq = itertools.count(1)


def make_unit(code: str | None = None) -> CompetencyUnit:
    n = next(_seq)
    unit = CompetencyUnit.objects.create(
        code=code or f"TEST{n}v1", base_code=code or f"TEST{n}", version="v1", title=f"單元 {n}"
    )
    for i, c in enumerate(CODES):
        Indicator.objects.create(unit=unit, code=c, text=f"指標 {c}", sort_order=i)
    return unit


def make_module(
    *,
    unit: CompetencyUnit | None = None,
    course_slug: str | None = None,
    module_slug: str = "role-play",
    **course_kw,
) -> ModulePage:
    n = next(_seq)
    unit = unit or make_unit()
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=CourseIndexPage(title="課程", slug="courses"))
        review_workflow_ensure(page=index)
    course = index.add_child(
        instance=CoursePage(
            title=f"課程 {n}", slug=course_slug or f"course-{n}", unit=unit, **course_kw
        )
    )
    return course.add_child(instance=ModulePage(title="角色扮演", slug=module_slug))


def enrol(trainee, module: ModulePage) -> Enrolment:
    return Enrolment.objects.create(trainee=trainee, course=module.course, source="trainer")


def small_spec(
    slug: str = "small",
    *,
    extra_steps: int = 0,
    allow_back: bool = True,
    feedback: str = "immediate",
    threshold: int = 60,
) -> dict:
    """start -> (good | bad); good -> (end-good | end-ok); bad -> end-poor.
    `extra_steps` inserts a chain of narration steps after the start's good choice."""
    chain = [f"mid{i}" for i in range(extra_steps)]
    first_good = chain[0] if chain else "good"
    steps = [
        {
            "key": "start",
            "start": True,
            "speaker": "顧客",
            "text": "我的點數怎麼少了？",
            "choices": [
                {
                    "text": "先聽您說，真抱歉讓您困擾。",
                    "to": first_good,
                    "feedback": "先傾聽並道歉。",
                    "scores": "T2.1:+2",
                },
                {
                    "text": "系統不會錯的。",
                    "to": "bad",
                    "feedback": "否定顧客會激怒對方。",
                    "scores": "T2.1:-1",
                },
            ],
        },
    ]
    for i, key in enumerate(chain):
        nxt = chain[i + 1] if i + 1 < len(chain) else "good"
        steps.append(
            {
                "key": key,
                "kind": "narration",
                "text": f"顧客繼續說明 {i}",
                "choices": [
                    {"text": f"點頭回應 {i}", "to": nxt, "feedback": "好。", "scores": "T2.1:0"}
                ],
            }
        )
    steps += [
        {
            "key": "good",
            "speaker": "顧客",
            "text": "那你能怎麼處理？",
            "choices": [
                {
                    "text": "我查明細並在權限內補登點數。",
                    "to": "end-good",
                    "feedback": "在權限內解決。",
                    "scores": "T3.1:+2",
                },
                {
                    "text": "我直接退您全額。",
                    "to": "end-ok",
                    "feedback": "超出權限。",
                    "scores": "T3.1:-1, T2.1:+1",
                },
            ],
        },
        {
            "key": "bad",
            "speaker": "顧客",
            "text": "叫你們店長來！",
            "choices": [
                {"text": "好吧。", "to": "end-poor", "feedback": "太晚了。", "scores": "T3.1:0"}
            ],
        },
        {
            "key": "end-good",
            "kind": "ending",
            "rating": "excellent",
            "text": "顧客滿意離開。",
            "outcome": "問題解決。",
        },
        {
            "key": "end-ok",
            "kind": "ending",
            "rating": "acceptable",
            # Reached with 2 of 4 points (50 %): the trainer widens the acceptable band.
            "band": [40, 79],
            "text": "顧客接受。",
            "outcome": "超出權限的補償。",
        },
        {
            "key": "end-poor",
            "kind": "ending",
            "rating": "poor",
            "text": "顧客生氣離開。",
            "outcome": "失去顧客。",
        },
    ]
    return {
        "slug": slug,
        "title": f"情境 {slug}",
        "persona": {"name": "陳先生", "situation": "點數不見", "mood": "生氣", "wants": "補點數"},
        "trainee": {"role": "門市人員", "goal": "處理客訴"},
        "indicators": ["T2.1", "T3.1"],
        "options": {"feedback": feedback, "allow_back": allow_back, "pass_threshold": threshold},
        "steps": steps,
    }


def make_scenario(module: ModulePage | None = None, **spec_kw):
    module = module or make_module()
    return scenario_page_create(parent=module, data=small_spec(**spec_kw))
