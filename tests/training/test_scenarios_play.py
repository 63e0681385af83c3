"""Playing scenarios: one step at a time, server-held state, tampering fails safely, results,
completion and evidence."""

import pytest
from django.urls import reverse

from content.pages.course import CoursePage
from content.pages.scenario import ScenarioChoice
from tests.factories.scenarios import enrol, make_module, make_scenario
from training.evidence import scenario_run_evidence, training_evidence
from training.models.scenario_runs import ScenarioRun, ScenarioRunStep

pytestmark = pytest.mark.django_db


def choice(page, from_key, to_key):
    return ScenarioChoice.objects.get(page=page, from_key=from_key, to_key=to_key)


@pytest.fixture
def module(db):
    return make_module()


@pytest.fixture
def scenario(module):
    return make_scenario(module)


@pytest.fixture
def enrolled(trainee, module):
    enrol(trainee, module)
    return trainee


def begin(client, scenario, mode: str = "practice") -> ScenarioRun:
    response = client.post(reverse("training:scenario_begin", args=[scenario.pk]), {"mode": mode})
    assert response.status_code == 302
    return ScenarioRun.objects.filter(scenario=scenario).order_by("-pk").first()


def choose(client, run, choice_obj, seq=None):
    run.refresh_from_db()
    return client.post(
        reverse("training:scenario_choose", args=[run.pk]),
        {"seq": run.seq if seq is None else seq, "choice": choice_obj.pk},
    )


def snapshot(run):
    run.refresh_from_db()
    return (run.current_step_key, run.seq, run.depth, run.status, run.steps.count())


# --- playing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ending", "passed"),
    [
        ([("start", "good"), ("good", "end-good")], "excellent", True),
        ([("start", "good"), ("good", "end-ok")], "acceptable", False),
        ([("start", "bad"), ("bad", "end-poor")], "poor", False),
    ],
)
def test_play_to_each_ending(trainee_client, enrolled, scenario, path, ending, passed):
    run = begin(trainee_client, scenario)
    assert run.current_step_key == "start"
    for from_key, to_key in path:
        response = choose(trainee_client, run, choice(scenario, from_key, to_key))
        assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.FINISHED
    assert run.ending_rating == ending
    assert run.passed is passed
    page = trainee_client.get(reverse("training:scenario_run", args=[run.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="scenario-outcome"' in html and f'data-rating="{ending}"' in html
    for from_key, to_key in path:
        c = choice(scenario, from_key, to_key)
        assert c.text in html and c.feedback in html  # transcript with feedback per choice
    assert "T2.1" in html and "T3.1" in html  # score per indicator
    assert 'data-testid="scenario-replay"' in html
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_scores_per_indicator_of_the_best_path(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "good"))
    choose(trainee_client, run, choice(scenario, "good", "end-good"))
    run.refresh_from_db()
    assert run.score_percent == 100.0
    # T2.1's maximum is the graph's: start→good→end-ok earns 3 points of T2.1.
    assert run.indicator_scores["T2.1"] == {"points": 2, "max": 3, "percent": 66.7}
    assert run.indicator_scores["T3.1"]["percent"] == 100.0


def test_page_shows_only_current_step_and_choice_words(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert "我的點數怎麼少了" in html
    offered = ScenarioChoice.objects.filter(page=scenario, from_key="start")
    for c in offered:
        assert c.text in html and f'value="{c.pk}"' in html
        assert c.feedback not in html  # no feedback before choosing
    for hidden in ("那你能怎麼處理", "叫你們店長來", "顧客滿意離開", "T2.1", "good", "end-good"):
        assert hidden not in html.split("<main", 1)[1]  # no other steps, scores or targets
    later = ScenarioChoice.objects.filter(page=scenario, from_key="good")
    for c in later:
        assert c.text not in html


def test_immediate_feedback_after_choice_but_not_in_end_mode(trainee, trainee_client, module):
    immediate = make_scenario(module, slug="imm")
    deferred = make_scenario(module, slug="later", feedback="end")
    enrol(trainee, module)
    for page, shown in ((immediate, True), (deferred, False)):
        run = begin(trainee_client, page)
        c = choice(page, "start", "good")
        choose(trainee_client, run, c)
        html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
        assert (c.feedback in html) is shown


def test_refresh_resumes_and_begin_twice_gives_one_run(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "good"))
    again = begin(trainee_client, scenario)
    assert again.pk == run.pk
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 1
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert "那你能怎麼處理" in html


def test_replay_keeps_every_run(trainee_client, enrolled, scenario):
    first = begin(trainee_client, scenario)
    choose(trainee_client, first, choice(scenario, "start", "bad"))
    choose(trainee_client, first, choice(scenario, "bad", "end-poor"))
    second = begin(trainee_client, scenario)
    assert second.pk != first.pk and second.number == 2
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 2
    start = trainee_client.get(reverse("training:scenario_start", args=[scenario.pk]))
    assert start.content.decode().count("/learn/scenarios/runs/") >= 2


def test_go_back_when_allowed(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "bad"))
    run.refresh_from_db()
    response = trainee_client.post(
        reverse("training:scenario_back", args=[run.pk]), {"seq": run.seq}
    )
    assert response.status_code == 302
    assert snapshot(run)[:3] == ("start", 2, 0)
    assert ScenarioRunStep.objects.get(run=run).undone is True
    choose(trainee_client, run, choice(scenario, "start", "good"))
    choose(trainee_client, run, choice(scenario, "good", "end-good"))
    run.refresh_from_db()
    assert run.passed and run.score_percent == 100.0  # the taken-back choice does not count


def test_go_back_refused_when_not_allowed(trainee, trainee_client, module):
    page = make_scenario(module, slug="noback", allow_back=False)
    enrol(trainee, module)
    run = begin(trainee_client, page)
    choose(trainee_client, run, choice(page, "start", "good"))
    before = snapshot(run)
    response = trainee_client.post(
        reverse("training:scenario_back", args=[run.pk]), {"seq": run.seq}, follow=True
    )
    assert (
        "does not allow going back" in response.content.decode()
        or "不允許" in response.content.decode()
    )
    assert snapshot(run) == before


# --- tampering -------------------------------------------------------------------------


def test_skipping_ahead_with_a_later_steps_choice_changes_nothing(
    trainee_client, enrolled, scenario
):
    run = begin(trainee_client, scenario)
    before = snapshot(run)
    response = choose(
        trainee_client,
        run,
        choice(scenario, "good", "end-good"),
    )
    assert response.status_code == 302
    assert snapshot(run) == before
    followed = trainee_client.get(response["Location"])
    assert followed.status_code == 200


def test_replaying_an_old_step_is_stale(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    old_seq = 0
    choose(trainee_client, run, choice(scenario, "start", "good"))
    before = snapshot(run)
    response = trainee_client.post(
        reverse("training:scenario_choose", args=[run.pk]),
        {"seq": old_seq, "choice": choice(scenario, "start", "bad").pk},
        follow=True,
    )
    assert response.status_code == 200
    assert snapshot(run) == before
    messages = [str(m) for m in response.context["messages"]]
    assert messages and any("run stands now" in m or "目前" in m for m in messages)


def test_replaying_the_same_post_twice_moves_once(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    data = {"seq": 0, "choice": choice(scenario, "start", "good").pk}
    url = reverse("training:scenario_choose", args=[run.pk])
    trainee_client.post(url, data)
    after_first = snapshot(run)
    trainee_client.post(url, data)
    assert snapshot(run) == after_first


def test_a_move_overtaken_between_its_read_and_its_write_is_refused(
    trainee_client, enrolled, scenario, monkeypatch
):
    """A move reads the run before its write transaction (training/services/scenarios.py);
    another tab's move landing in between makes the claim fail: one move recorded, the
    other refused with the run as it now stands."""
    from training.services import scenarios as services

    run = begin(trainee_client, scenario)
    read_steps = services._scenario_rows
    other_tab = []

    def steps_then_other_tab_moves(scenario_id):
        rows = read_steps(scenario_id)
        if not other_tab:
            other_tab.append(True)
            services.scenario_run_choose(
                run_id=run.pk,
                trainee=enrolled,
                seq=0,
                choice_id=choice(scenario, "start", "bad").pk,
            )
        return rows

    monkeypatch.setattr(services, "_scenario_rows", steps_then_other_tab_moves)
    response = trainee_client.post(
        reverse("training:scenario_choose", args=[run.pk]),
        {"seq": 0, "choice": choice(scenario, "start", "good").pk},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("run stands now" in m or "目前" in m for m in messages)
    run.refresh_from_db()
    assert (run.current_step_key, run.seq, run.depth) == ("bad", 1, 1)
    assert list(run.steps.values_list("choice__to_key", flat=True)) == ["bad"]


def test_choice_from_another_scenario_is_refused(trainee_client, enrolled, scenario, module):
    other = make_scenario(module, slug="other")
    run = begin(trainee_client, scenario)
    before = snapshot(run)
    response = choose(trainee_client, run, choice(other, "start", "good"))
    assert response.status_code == 302
    assert snapshot(run) == before


def test_garbage_and_forged_fields_are_refused(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    before = snapshot(run)
    url = reverse("training:scenario_choose", args=[run.pk])
    for data in (
        {"seq": "x", "choice": "1"},
        {"seq": 0, "choice": "abc"},
        {"seq": 0},
        {"seq": 0, "choice": 999999, "score": 100, "to_key": "end-good"},
    ):
        assert trainee_client.post(url, data).status_code == 302
    assert snapshot(run) == before
    assert trainee_client.get(url).status_code == 405


def test_another_trainees_run_is_404(
    trainee_client, enrolled, scenario, other_trainee_client, other_trainee, module
):
    enrol(other_trainee, module)
    run = begin(trainee_client, scenario)
    before = snapshot(run)
    c = choice(scenario, "start", "good")
    assert (
        other_trainee_client.get(reverse("training:scenario_run", args=[run.pk])).status_code == 404
    )
    assert (
        other_trainee_client.post(
            reverse("training:scenario_choose", args=[run.pk]), {"seq": 0, "choice": c.pk}
        ).status_code
        == 404
    )
    assert (
        other_trainee_client.post(
            reverse("training:scenario_choose", args=[run.pk]), {"choice": c.pk}
        ).status_code
        == 404
    )
    assert (
        other_trainee_client.post(
            reverse("training:scenario_back", args=[run.pk]), {"seq": 0}
        ).status_code
        == 404
    )
    assert snapshot(run) == before


def test_finished_run_accepts_no_more_moves(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "bad"))
    choose(trainee_client, run, choice(scenario, "bad", "end-poor"))
    before = snapshot(run)
    choose(trainee_client, run, choice(scenario, "start", "good"))
    assert snapshot(run) == before


def test_unenrolled_trainee_cannot_play(trainee_client, trainee, scenario):
    assert (
        trainee_client.get(reverse("training:scenario_start", args=[scenario.pk])).status_code
        == 403
    )
    assert (
        trainee_client.post(reverse("training:scenario_begin", args=[scenario.pk])).status_code
        == 403
    )
    assert not ScenarioRun.objects.exists()


def test_unpublished_scenario_is_404(trainee_client, enrolled, scenario):
    scenario.unpublish()
    assert (
        trainee_client.get(reverse("training:scenario_start", args=[scenario.pk])).status_code
        == 404
    )
    assert (
        trainee_client.post(reverse("training:scenario_begin", args=[scenario.pk])).status_code
        == 404
    )


# --- roles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "start", "run_page", "move"),
    [
        ("anonymous", 302, 302, 302),
        ("trainee", 200, 200, 302),
        ("other_trainee", 403, 404, 404),  # not enrolled; and the run is not theirs
        ("trainer", 403, 403, 403),
        ("assessor", 403, 403, 403),
        ("admin", 403, 403, 403),
    ],
)
def test_views_per_role(client_as, trainee, module, scenario, role, start, run_page, move):
    enrol(trainee, module)
    owner_client, _ = client_as("trainee")
    run = begin(owner_client, scenario)
    client, _user = client_as(role)
    c = choice(scenario, "start", "good")
    before = snapshot(run)
    assert client.get(reverse("training:scenario_start", args=[scenario.pk])).status_code == start
    assert client.get(reverse("training:scenario_run", args=[run.pk])).status_code == run_page
    for name, data in (
        ("scenario_choose", {"seq": 0, "choice": c.pk}),
        ("scenario_back", {"seq": 0}),
    ):
        if role == "trainee":
            continue
        assert client.post(reverse(f"training:{name}", args=[run.pk]), data).status_code == move
    assert snapshot(run) == before


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 302),
        ("other_trainee", 403),
        ("trainer", 403),
        ("assessor", 403),
        ("admin", 403),
    ],
)
def test_begin_per_role(client_as, trainee, module, scenario, role, status):
    enrol(trainee, module)
    client, user = client_as(role)
    response = client.post(reverse("training:scenario_begin", args=[scenario.pk]))
    assert response.status_code == status
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    runs = ScenarioRun.objects.filter(scenario=scenario)
    assert runs.count() == (1 if role == "trainee" else 0)
    if role == "trainee":
        assert response["Location"] == reverse("training:scenario_run", args=[runs.get().pk])
    assert client.get(reverse("training:scenario_begin", args=[scenario.pk])).status_code in (
        302 if role == "anonymous" else 405 if "trainee" in role else 403,
    )


def test_scenario_page_url_sends_trainees_to_play_and_shows_others_the_brief(
    client_as, trainee, module, scenario
):
    enrol(trainee, module)
    client, _ = client_as("trainee")
    response = client.get(scenario.url)
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("training:scenario_start", args=[scenario.pk]))
    trainer_client, _ = client_as("trainer")
    response = trainer_client.get(scenario.url)
    assert response.status_code == 200 and scenario.persona_name in response.content.decode()


# --- queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra_steps", [0, 25])
def test_fixed_queries_per_step(
    trainee, trainee_client, module, extra_steps, django_assert_max_num_queries
):
    page = make_scenario(module, slug=f"q{extra_steps}", extra_steps=extra_steps)
    enrol(trainee, module)
    run = begin(trainee_client, page)
    first = choice(page, "start", "mid0" if extra_steps else "good")
    with django_assert_max_num_queries(14):
        choose(trainee_client, run, first)
    with django_assert_max_num_queries(15):
        html = trainee_client.get(reverse("training:scenario_run", args=[run.pk]))
    assert html.status_code == 200
    for i in range(extra_steps):
        nxt = f"mid{i + 1}" if i + 1 < extra_steps else "good"
        choose(trainee_client, run, choice(page, f"mid{i}", nxt))
    with django_assert_max_num_queries(30):  # the last move also records course completion
        choose(trainee_client, run, choice(page, "good", "end-good"))
    with django_assert_max_num_queries(15):
        result = trainee_client.get(reverse("training:scenario_run", args=[run.pk]))
    assert result.status_code == 200
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.FINISHED and run.depth == extra_steps + 2


# --- completion and evidence -----------------------------------------------------------


def _finish(client, page, to_end, mode="practice"):
    run = begin(client, page, mode)
    if to_end == "end-poor":
        choose(client, run, choice(page, "start", "bad"))
        choose(client, run, choice(page, "bad", "end-poor"))
    else:
        choose(client, run, choice(page, "start", "good"))
        choose(client, run, choice(page, "good", to_end))
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(("counting", "expected_score"), [("best", 100.0), ("latest", 0.0)])
def test_best_or_latest_run_counts(trainee, trainee_client, counting, expected_score):
    from training.completion import activity_kinds

    module = make_module(scenario_counting=counting)
    page = make_scenario(module)
    enrol(trainee, module)
    _finish(trainee_client, page, "end-good")
    _finish(trainee_client, page, "end-poor")
    course = CoursePage.objects.get(pk=module.course.pk)
    kind = activity_kinds()["content.ScenarioPage"]
    status = kind.statuses(trainee_ids=[trainee.pk], pages=[page], course=course)[
        (trainee.pk, page.pk)
    ]
    assert status.done and status.score == expected_score
    assert status.passed is (expected_score == 100.0)


@pytest.mark.parametrize("extra_trainees", [0, 5])
def test_evidence_one_item_per_finished_assessment_run_per_indicator(
    trainee,
    trainee_client,
    module,
    scenario,
    other_trainee,
    extra_trainees,
    django_assert_max_num_queries,
):
    from tests.factories.people import make_trainee
    from training.services.scenarios import scenario_run_choose, scenario_run_start

    enrol(trainee, module)
    _finish(trainee_client, scenario, "end-poor")  # practice: no evidence
    _finish(trainee_client, scenario, "end-good", mode="assessment")
    begin(trainee_client, scenario)  # in progress: no evidence
    others = []
    for _ in range(extra_trainees):
        t = make_trainee()
        enrol(t, module)
        others.append(t.pk)
        run, _created = scenario_run_start(trainee=t, scenario=scenario, mode="assessment")
        for from_key, to_key in (("start", "good"), ("good", "end-ok")):
            c = choice(scenario, from_key, to_key)
            run = scenario_run_choose(run_id=run.pk, trainee=t, seq=run.seq, choice_id=c.pk).run
    unit_id = module.course.unit_id
    with django_assert_max_num_queries(2):
        items = scenario_run_evidence(
            trainee_ids=[trainee.pk, other_trainee.pk, *others], unit_id=unit_id
        )
    assert len(items) == 2 + 2 * extra_trainees  # finished assessment runs x (T2.1, T3.1)
    mine = [i for i in items if i.trainee_id == trainee.pk]
    assert len(mine) == 2
    assert {i.method for i in items} == {"role_play"}
    good = [i for i in mine if i.passed]
    assert len(good) == 2 and {i.score for i in good} == {66.7, 100.0}
    assert not [i for i in items if i.trainee_id == other_trainee.pk]
    registered = [
        i
        for i in training_evidence(trainee_ids=[trainee.pk], unit_id=unit_id)
        if i.source == "scenario_run"
    ]
    assert sorted(i.source_id for i in registered) == sorted(i.source_id for i in mine)
    assert scenario_run_evidence(trainee_ids=[trainee.pk], unit_id=unit_id + 999) == []


def test_finishing_the_only_scenario_completes_the_course(trainee, trainee_client):
    from training.models.enrolment import Enrolment

    module = make_module(require_all_lessons=False, require_all_quizzes_passed=False)
    page = make_scenario(module)
    enrolment = enrol(trainee, module)
    _finish(trainee_client, page, "end-poor")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # score 0% is under the course's minimum
    _finish(trainee_client, page, "end-good")
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None


def test_edited_scenario_mid_run_fails_safely_and_can_restart(trainee_client, enrolled, scenario):
    from content.pages.scenario import ScenarioStep
    from content.tree_cache import tree_changed

    run = begin(trainee_client, scenario)
    choose(trainee_client, run, choice(scenario, "start", "good"))
    ScenarioStep.objects.filter(page=scenario, key="good").update(key="renamed")
    tree_changed()  # as saving or publishing the edited page does (content/tree_cache.py)
    before = snapshot(run)
    response = choose(
        trainee_client,
        run,
        choice(scenario, "good", "end-good"),
    )
    assert response.status_code == 302 and snapshot(run) == before
    html = trainee_client.get(reverse("training:scenario_run", args=[run.pk])).content.decode()
    assert 'data-testid="scenario-restart"' in html
    fresh = begin(trainee_client, scenario)
    assert fresh.pk != run.pk and fresh.current_step_key == "start"
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.ABANDONED
    old = trainee_client.get(reverse("training:scenario_run", args=[run.pk]))
    assert old.status_code == 302
    assert old["Location"] == reverse("training:scenario_start", args=[scenario.pk])


def test_unpublished_mid_run_refuses_moves(trainee_client, enrolled, scenario):
    run = begin(trainee_client, scenario)
    scenario.unpublish()
    before = snapshot(run)
    choose(trainee_client, run, choice(scenario, "start", "good"))
    assert snapshot(run) == before
