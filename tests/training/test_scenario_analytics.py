"""Trainers' scenario analytics: real counts after runs, a heatmap on the graph, per role."""

import re

import pytest
from django.urls import reverse

from content.pages.scenario import ScenarioChoice
from tests.factories.people import make_trainee
from tests.factories.scenarios import enrol, make_module, make_scenario
from training.models.scenario_runs import ScenarioRun
from training.services.scenarios import scenario_run_choose, scenario_run_start

pytestmark = pytest.mark.django_db


def play(trainee, page, path):
    run, _ = scenario_run_start(trainee=trainee, scenario=page)
    for from_key, to_key in path:
        c = ScenarioChoice.objects.get(page=page, from_key=from_key, to_key=to_key)
        run = scenario_run_choose(run_id=run.pk, trainee=trainee, seq=run.seq, choice_id=c.pk).run
    return run


@pytest.fixture
def played(db, role_groups):
    module = make_module()
    page = make_scenario(module)
    trainees = [make_trainee() for _ in range(4)]
    for t in trainees:
        enrol(t, module)
    play(trainees[0], page, [("start", "good"), ("good", "end-good")])  # passed
    play(trainees[1], page, [("start", "good"), ("good", "end-good")])  # passed
    play(trainees[2], page, [("start", "bad"), ("bad", "end-poor")])  # failed
    play(trainees[3], page, [("start", "good")])  # unfinished
    return page


def cell(html, attr, value, col):
    row = re.search(rf'<tr {attr}="{value}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-col="{col}">([^<]*)<', row).group(1).strip()


def test_index_counts(trainer_client, played):
    html = trainer_client.get(reverse("scenario_analytics:index")).content.decode()
    assert cell(html, "data-scenario", played.pk, "runs") == "4"
    assert cell(html, "data-scenario", played.pk, "finished") == "3"
    assert cell(html, "data-scenario", played.pk, "completion") == "75.0%"
    assert cell(html, "data-scenario", played.pk, "passed") == "2"
    assert cell(html, "data-scenario", played.pk, "pass-rate") == "66.7%"


def test_detail_heatmap_and_choice_counts(trainer_client, played):
    response = trainer_client.get(reverse("scenario_analytics:detail", args=[played.pk]))
    html = response.content.decode()
    good = ScenarioChoice.objects.get(page=played, from_key="start", to_key="good")
    bad = ScenarioChoice.objects.get(page=played, from_key="start", to_key="bad")
    assert cell(html, "data-choice", good.pk, "count") == "3"
    assert cell(html, "data-choice", bad.pk, "count") == "1"
    assert cell(html, "data-ending", "end-good", "count") == "2"
    assert cell(html, "data-ending", "end-poor", "count") == "1"
    assert "<svg" in html and "× 3 (75%)" in html and "× 1 (25%)" in html


def test_analytics_queries_do_not_grow_with_runs(
    trainer_client, played, django_assert_max_num_queries
):
    url = reverse("scenario_analytics:detail", args=[played.pk])
    with django_assert_max_num_queries(20) as small:
        trainer_client.get(url)
    small_count = len(small)  # now: the connection's query log is a bounded deque
    more = [make_trainee() for _ in range(6)]
    module_course = ScenarioRun.objects.filter(scenario=played).first().course
    from training.models.enrolment import Enrolment

    for t in more:
        Enrolment.objects.create(trainee=t, course=module_course, source="trainer")
        play(t, played, [("start", "good"), ("good", "end-ok")])
    with django_assert_max_num_queries(small_count):
        trainer_client.get(url)
    index = reverse("scenario_analytics:index")
    with django_assert_max_num_queries(20) as before:
        trainer_client.get(index)
    before_count = len(before)
    make_scenario(make_module(), slug="another")
    trainer_client.get(index)  # a new page is a new version of the cached page tree: warm it
    with django_assert_max_num_queries(before_count):
        trainer_client.get(index)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("trainee", 302),
        ("other_trainee", 302),
        ("trainer", 200),
        ("assessor", 302),
        ("admin", 200),
    ],
)
def test_analytics_per_role(client_as, played, role, status):
    client, _ = client_as(role)
    for url in (
        reverse("scenario_analytics:index"),
        reverse("scenario_analytics:detail", args=[played.pk]),
    ):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert "login" in response["Location"]


def test_admin_user_without_trainer_role_is_refused(client, played):
    """Anyone who reaches the admin without being a trainer or admin is refused (Wagtail
    turns the 403 into a redirect to the dashboard with a message)."""
    from django.contrib.auth.models import Permission

    from tests.factories.people import make_user

    user = make_user(None)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for url in (
        reverse("scenario_analytics:index"),
        reverse("scenario_analytics:detail", args=[played.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
