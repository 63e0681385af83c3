"""The end screen of a role-play run and the breadcrumbs of the scenario pages: indicator
names (code as a small label), no negative points and what lost them in words, narration shown
as narration, one trail course › module › scenario."""

import pytest
from django.urls import reverse
from django.utils import translation

from content.pages.scenario import ScenarioChoice, ScenarioStep
from tests.factories.scenarios import enrol, make_module, make_scenario
from training.models.scenario_runs import ScenarioRun

pytestmark = pytest.mark.django_db


def url(name, *args):
    with translation.override("zh-hant"):
        return reverse(name, args=args)


def begin(client, page):
    client.post(url("training:scenario_begin", page.pk), {"mode": "practice"})
    return ScenarioRun.objects.filter(scenario=page).order_by("-pk").first()


def play(client, page, *path):
    run = begin(client, page)
    for from_key, to_key in path:
        run.refresh_from_db()
        chosen = ScenarioChoice.objects.get(page=page, from_key=from_key, to_key=to_key)
        client.post(url("training:scenario_choose", run.pk), {"seq": run.seq, "choice": chosen.pk})
    run.refresh_from_db()
    return run


def section(html, testid, end):
    return html.split(f'data-testid="{testid}"', 1)[1].split(end, 1)[0]


@pytest.fixture
def module(db):
    return make_module()


@pytest.fixture
def page(module, trainee):
    enrol(trainee, module)
    return make_scenario(module)


def test_indicators_by_name_with_the_code_as_a_label_and_no_negative_points(trainee_client, page):
    run = play(trainee_client, page, ("start", "bad"), ("bad", "end-poor"))
    assert run.is_finished
    html = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    table = section(html, "scenario-indicators", "</table>")
    first = section(table, "scenario-indicator", "</tr>")
    assert '<span class="indicator-code">T2.1</span>' in first
    assert '<span class="scenario-indicator-text" lang="zh-hant">指標 T2.1</span>' in first
    assert "0 / 3 分" in first and "-1" not in table  # clamped, and said so in words
    assert "扣分多於得分" in first
    lost = section(first, "scenario-lost", "</ul>")
    assert '「<span lang="zh-hant">系統不會錯的。</span>」扣 1 分。' in lost
    second = table.split('data-testid="scenario-indicator"')[2]
    assert "T3.1" in second and "0 / 2 分" in second and "這項指標沒有扣分的選擇。" in second


def test_a_good_run_loses_nothing_and_shows_full_points(trainee_client, page):
    run = play(trainee_client, page, ("start", "good"), ("good", "end-good"))
    html = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    table = section(html, "scenario-indicators", "</table>")
    assert "2 / 3 分" in table and "2 / 2 分" in table
    assert 'data-testid="scenario-lost"' not in table and "扣分多於得分" not in table
    assert 'data-testid="scenario-verdict" data-passed="true"' in html


def test_ending_without_a_speaker_reads_as_narration(trainee_client, page):
    run = play(trainee_client, page, ("start", "good"), ("good", "end-good"))
    html = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    outcome = section(html, "scenario-outcome", "</section>")
    assert 'class="scenario-narration narration mb-2"' in outcome and "顧客滿意離開。" in outcome
    assert "scenario-speaker" not in outcome

    ScenarioStep.objects.filter(page=page, key="end-good").update(speaker="陳先生")
    html = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    outcome = section(html, "scenario-outcome", "</section>")
    assert '<p class="scenario-speaker mb-1" lang="zh-hant">陳先生</p>' in outcome
    assert "narration" not in outcome


def test_narration_in_the_transcript_has_no_speaker(trainee, trainee_client, module):
    enrol(trainee, module)
    narrated = make_scenario(module, slug="narrated", extra_steps=1)
    run = play(trainee_client, narrated, ("start", "mid0"), ("mid0", "good"), ("good", "end-good"))
    html = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    transcript = section(html, "scenario-transcript", "</ol>")
    narration = transcript.split('class="mb-1 scenario-narration narration"', 1)[1].split("</p>")[0]
    assert "顧客繼續說明 0" in narration and "陳先生" not in narration and "顧客：" not in narration
    assert (
        transcript.count('<span class="scenario-speaker"><span lang="zh-hant">顧客</span>：</span>')
        == 2
    )
    assert transcript.count('<span class="scenario-speaker">你：</span>') == 3


def test_every_scenario_page_has_the_course_and_module_trail(trainee_client, page, module):
    course = module.get_parent()
    start = trainee_client.get(url("training:scenario_start", page.pk)).content.decode()
    run = begin(trainee_client, page)
    playing = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    run = play(trainee_client, page, ("start", "good"), ("good", "end-good"))
    result = trainee_client.get(url("training:scenario_run", run.pk)).content.decode()
    for html in (start, playing, result):
        trail = section(html, "breadcrumbs", "</nav>")
        assert course.title in trail and module.title in trail
        assert f'href="{course.url}"' in trail and f'href="{module.url}"' in trail
    assert page.title in section(playing, "breadcrumbs", "</nav>")
    assert "第 1 次演練" in section(playing, "breadcrumbs", "</nav>")
    assert 'aria-current="page" lang="zh-hant">情境 small</li>' in section(
        start, "breadcrumbs", "</nav>"
    )


def test_trainers_see_the_trail_on_the_scenario_brief(client_as, page, module):
    client, _user = client_as("trainer")
    html = client.get(page.url).content.decode()
    trail = section(html, "breadcrumbs", "</nav>")
    assert module.title in trail and module.get_parent().title in trail


@pytest.mark.parametrize("extra_steps", [0, 30])
def test_end_screen_queries_do_not_grow_with_the_run(
    trainee, trainee_client, module, extra_steps, django_assert_max_num_queries
):
    scenario = make_scenario(module, slug=f"r{extra_steps}", extra_steps=extra_steps)
    enrol(trainee, module)
    chain = [f"mid{i}" for i in range(extra_steps)]
    keys = ["start", *chain, "good", "end-good"]
    run = play(trainee_client, scenario, *zip(keys, keys[1:], strict=False))
    assert run.is_finished and run.depth == extra_steps + 2
    with django_assert_max_num_queries(15):
        response = trainee_client.get(url("training:scenario_run", run.pk))
    assert response.status_code == 200 and "顧客滿意離開。" in response.text
