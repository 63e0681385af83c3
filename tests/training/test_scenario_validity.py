"""Role-play evidence that cannot be gamed: only an assessment run (no going back, feedback at
the end, the designated attempt) counts; scores are measured against the graph, clamped at
zero; narration prints as narration."""

import pytest
from django.urls import reverse

from content.pages.scenario import ScenarioChoice, ScenarioPage
from tests.factories.scenarios import enrol, make_module, make_scenario
from training.evidence import training_evidence
from training.models.scenario_runs import ScenarioRun

pytestmark = pytest.mark.django_db


def choice(page, from_key, to_key):
    return ScenarioChoice.objects.get(page=page, from_key=from_key, to_key=to_key)


@pytest.fixture
def module():
    return make_module()


@pytest.fixture
def scenario(module, trainee):
    enrol(trainee, module)
    return make_scenario(module)


def begin(client, page, mode="practice"):
    response = client.post(reverse("training:scenario_begin", args=[page.pk]), {"mode": mode})
    assert response.status_code == 302
    return ScenarioRun.objects.filter(scenario=page).order_by("-pk").first(), response


def choose(client, run, choice_obj):
    run.refresh_from_db()
    return client.post(
        reverse("training:scenario_choose", args=[run.pk]),
        {"seq": run.seq, "choice": choice_obj.pk},
    )


def back(client, run):
    run.refresh_from_db()
    return client.post(reverse("training:scenario_back", args=[run.pk]), {"seq": run.seq})


def role_play_items(trainee, page):
    unit_id = page.runs.first().course.unit_id
    return [
        i
        for i in training_evidence(trainee_ids=[trainee.pk], unit_id=unit_id)
        if i.source == "scenario_run"
    ]


def play_good_path(client, page, mode):
    run, _response = begin(client, page, mode)
    choose(client, run, choice(page, "start", "good"))
    choose(client, run, choice(page, "good", "end-good"))
    run.refresh_from_db()
    return run


def test_start_page_offers_practice_and_explains_the_assessment_run(trainee_client, scenario):
    html = trainee_client.get(
        reverse("training:scenario_start", args=[scenario.pk])
    ).content.decode()
    assert 'data-testid="scenario-begin"' in html  # practice
    assert 'data-testid="scenario-begin-assessment"' in html
    assert "不能回到上一步" in html and "角色扮演證據" in html  # what the assessment run means


def test_practice_run_with_back_steps_is_not_evidence(trainee, trainee_client, scenario):
    run, _response = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "bad"))
    back(trainee_client, run)  # the scenario allows going back in practice
    run.refresh_from_db()
    assert run.current_step_key == "start"
    choose(trainee_client, run, choice(scenario, "start", "good"))
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert 'data-mode="practice"' in html and "scenario-feedback" in html
    choose(trainee_client, run, choice(scenario, "good", "end-good"))
    run.refresh_from_db()
    assert run.is_finished and run.score_percent == 100.0 and run.mode == "practice"
    assert role_play_items(trainee, scenario) == []

    # The same choices in an assessment run are evidence.
    assessed = play_good_path(trainee_client, scenario, "assessment")
    assert assessed.is_finished and assessed.mode == "assessment"
    items = role_play_items(trainee, scenario)
    assert {i.source_id for i in items} == {assessed.pk}
    assert {i.method for i in items} == {"role_play"} and len(items) == 2  # T2.1, T3.1


def test_assessment_run_refuses_back_and_gives_feedback_only_at_the_end(trainee_client, scenario):
    run, _response = begin(trainee_client, scenario, "assessment")
    first = choice(scenario, "start", "good")
    choose(trainee_client, run, first)
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert 'data-mode="assessment"' in html
    assert first.feedback not in html and 'data-testid="scenario-back"' not in html
    before = ScenarioRun.objects.get(pk=run.pk)
    response = back(trainee_client, run)
    assert response.status_code == 302
    after = ScenarioRun.objects.get(pk=run.pk)
    assert (after.current_step_key, after.depth, after.seq) == (
        before.current_step_key,
        before.depth,
        before.seq,
    )
    page = trainee_client.get(response.url).content.decode()
    assert "評量演練不能回到上一步" in page  # the refusal, translated
    choose(trainee_client, run, choice(scenario, "good", "end-good"))
    result = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert first.feedback in result  # at the end


def test_practice_is_refused_while_the_assessment_run_is_in_progress(trainee_client, scenario):
    run, _response = begin(trainee_client, scenario, "assessment")
    again, response = begin(trainee_client, scenario, "practice")
    assert again.pk == run.pk and again.status == ScenarioRun.Status.IN_PROGRESS
    assert response.url == reverse("training:scenario_start", args=[scenario.pk])


def test_a_second_assessment_run_is_refused_with_one_attempt(trainee, trainee_client, scenario):
    play_good_path(trainee_client, scenario, "assessment")
    count = ScenarioRun.objects.count()
    _run, response = begin(trainee_client, scenario, "assessment")
    assert ScenarioRun.objects.count() == count
    assert response.url == reverse("training:scenario_start", args=[scenario.pk])
    start = trainee_client.get(response.url).content.decode()
    assert 'data-testid="scenario-assessment-used"' in start
    assert 'data-testid="scenario-begin-assessment"' not in start
    # Practice stays open, and is not evidence.
    practice = play_good_path(trainee_client, scenario, "practice")
    assert practice.mode == "practice"
    assert len(role_play_items(trainee, scenario)) == 2


def test_more_assessment_runs_when_the_page_allows_them(trainee, trainee_client, scenario):
    ScenarioPage.objects.filter(pk=scenario.pk).update(assessment_attempts=2)
    first = play_good_path(trainee_client, scenario, "assessment")
    second = play_good_path(trainee_client, scenario, "assessment")
    assert first.pk != second.pk and second.mode == "assessment"
    assert {i.source_id for i in role_play_items(trainee, scenario)} == {first.pk, second.pk}
    # A run beyond the designated attempts (a setting lowered later) is not counted.
    ScenarioPage.objects.filter(pk=scenario.pk).update(assessment_attempts=1)
    assert {i.source_id for i in role_play_items(trainee, scenario)} == {first.pk}


def test_negative_points_show_zero_and_maxima_are_the_graphs(trainee_client, scenario):
    run, _response = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "bad"))  # T2.1 -1
    choose(trainee_client, run, choice(scenario, "bad", "end-poor"))
    run.refresh_from_db()
    assert run.indicator_scores["T2.1"] == {"points": 0, "max": 3, "percent": 0.0}
    assert run.indicator_scores["T3.1"] == {"points": 0, "max": 2, "percent": 0.0}
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    table = html.split('data-testid="scenario-indicators"', 1)[1].split("</table>", 1)[0]
    assert "0 / 3" in table and "0 / 2" in table and "-1" not in table

    # Two other paths: the same maxima (the graph's, not the path's).
    maxima = []
    for ending in ("end-good", "end-ok"):
        other, _response = begin(trainee_client, scenario)
        choose(trainee_client, other, choice(scenario, "start", "good"))
        choose(trainee_client, other, choice(scenario, "good", ending))
        other.refresh_from_db()
        maxima.append({code: data["max"] for code, data in other.indicator_scores.items()})
    assert maxima[0] == maxima[1] == {"T2.1": 3, "T3.1": 2}


def test_old_runs_never_show_negative_or_out_of_zero(trainee_client, scenario):
    run = play_good_path(trainee_client, scenario, "practice")
    run.indicator_scores = {  # as scored before the graph maxima
        "T2.1": {"points": -4, "max": 3, "percent": 0.0},
        "T3.1": {"points": -1, "max": 0, "percent": None},
    }
    run.save(update_fields=["indicator_scores"])
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    table = html.split('data-testid="scenario-indicators"', 1)[1].split("</table>", 1)[0]
    assert "0 / 3" in table and "-4" not in table and "/ 0" not in table and "T3.1" not in table


def test_narration_prints_as_narration_in_the_player_and_the_transcript(trainee, trainee_client):
    module = make_module()
    enrol(trainee, module)
    page = make_scenario(module, slug="narrated", extra_steps=1)
    run, _response = begin(trainee_client, page)
    choose(trainee_client, run, choice(page, "start", "mid0"))
    play = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert 'data-testid="scenario-narration"' in play and "顧客繼續說明 0" in play
    choose(trainee_client, run, choice(page, "mid0", "good"))
    choose(trainee_client, run, choice(page, "good", "end-good"))
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    transcript = html.split('data-testid="scenario-transcript"', 1)[1].split("</ol>", 1)[0]
    narration = transcript.split('data-testid="transcript-narration"', 1)[1].split("</p>", 1)[0]
    assert "顧客繼續說明 0" in narration and "陳先生" not in narration
    lines = transcript.split('data-testid="transcript-line"')
    assert len(lines) == 3  # the two customer lines keep their speaker
    assert all("顧客" in line.split("</p>", 1)[0] for line in lines[1:])
    assert not any("顧客繼續說明" in line.split("</p>", 1)[0] for line in lines[1:])
