"""The progress cue of a role-play run: step n of (about) m, from the scenario's graph."""

import pytest
from django.urls import reverse
from django.utils import translation

from content.pages.scenario import ScenarioChoice
from tests.factories.scenarios import enrol, make_module, make_scenario
from training.models.scenario_runs import ScenarioRun
from training.selectors.scenarios import choices_to_an_ending


def test_choices_to_an_ending_counts_fewest_and_most():
    assert choices_to_an_ending({"a": ["b", "e"], "b": ["e"]}, ["e"], "a") == (1, 2)
    assert choices_to_an_ending({"a": ["b"], "b": ["c"], "c": ["e"]}, ["e"], "a") == (3, 3)
    diamond = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": ["e"]}
    assert choices_to_an_ending(diamond, ["e"], "a") == (3, 3)
    assert choices_to_an_ending({"a": ["b", "e"], "b": ["a"]}, ["e"], "a") == (1, None)  # loop
    assert choices_to_an_ending({"a": ["b"]}, ["e"], "a") == (None, None)  # no way out
    assert choices_to_an_ending({}, ["e"], "e") == (0, 0)
    chain = {f"s{i}": [f"s{i + 1}"] for i in range(3000)}  # deep: no recursion limit
    assert choices_to_an_ending(chain, ["s3000"], "s0") == (3000, 3000)


with_db = pytest.mark.django_db


def begin(client, page):
    with translation.override("zh-hant"):
        client.post(reverse("training:scenario_begin", args=[page.pk]), {"mode": "practice"})
    return ScenarioRun.objects.filter(scenario=page).order_by("-pk").first()


def choose(client, run, from_key, to_key):
    run.refresh_from_db()
    chosen = ScenarioChoice.objects.get(page=run.scenario, from_key=from_key, to_key=to_key)
    with translation.override("zh-hant"):
        url = reverse("training:scenario_choose", args=[run.pk])
    return client.post(url, {"seq": run.seq, "choice": chosen.pk})


def run_page(client, run) -> str:
    with translation.override("zh-hant"):
        url = reverse("training:scenario_run", args=[run.pk])
    return client.get(url).content.decode()


def progress_of(html: str) -> str:
    return html.split('data-testid="scenario-progress"', 1)[1].split("</p>", 1)[0]


@with_db
def test_every_way_as_long_says_step_n_of_m(trainee, trainee_client):
    module = make_module()
    enrol(trainee, module)
    page = make_scenario(module, slug="even")  # every path: 2 choices
    run = begin(trainee_client, page)
    cue = progress_of(run_page(trainee_client, run))
    assert "第 1 步，共 2 步" in cue and "約" not in cue
    assert 'data-exact="true"' in run_page(trainee_client, run)
    choose(trainee_client, run, "start", "good")
    html = run_page(trainee_client, run)
    assert "第 2 步，共 2 步" in progress_of(html)
    assert '<progress class="scenario-progress-meter" max="100" value="50"' in html


@with_db
def test_ways_of_different_length_say_about_with_words_for_screen_readers(trainee, trainee_client):
    module = make_module()
    enrol(trainee, module)
    page = make_scenario(module, slug="uneven", extra_steps=3)  # 2 choices or 5
    run = begin(trainee_client, page)
    html = run_page(trainee_client, run)
    cue = progress_of(html)
    assert "第 1 步，約共 2 步" in cue and "步數依你的選擇而定" in cue
    assert 'aria-labelledby="scenario-progress-label"' in html
    choose(trainee_client, run, "start", "mid0")  # now one way on: mid0..mid2, good, ending
    cue = progress_of(run_page(trainee_client, run))
    assert "第 2 步，共 5 步" in cue and "約" not in cue


@with_db
def test_english_progress_cue(trainee, trainee_client):
    module = make_module()
    enrol(trainee, module)
    page = make_scenario(module, slug="en-cue", extra_steps=1)
    run = begin(trainee_client, page)
    with translation.override("en"):
        url = reverse("training:scenario_run", args=[run.pk])
    assert "Step 1 of about 2" in trainee_client.get(url).content.decode()


@with_db
@pytest.mark.parametrize("extra_steps", [0, 30])
def test_play_page_queries_do_not_grow_with_the_scenario(
    trainee, trainee_client, extra_steps, django_assert_max_num_queries
):
    module = make_module()
    enrol(trainee, module)
    page = make_scenario(module, slug=f"size{extra_steps}", extra_steps=extra_steps)
    run = begin(trainee_client, page)
    choose(trainee_client, run, "start", "mid0" if extra_steps else "good")
    with translation.override("zh-hant"):
        url = reverse("training:scenario_run", args=[run.pk])
    with django_assert_max_num_queries(15):
        response = trainee_client.get(url)
    assert response.status_code == 200 and 'data-testid="scenario-progress"' in response.text
