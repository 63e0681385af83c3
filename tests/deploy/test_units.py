"""The shipped deploy/ folder: units parse and agree with the cron file, systemd-analyze and
nginx accept them, and each periodic job's ExecStart runs against the test database."""

import importlib.util
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.deploy.support import database_url, unit_env
from tests.factories.quizzes import FormData, answer_data, quiz_setup
from training.models.quiz_attempts import QuizAttempt
from training.services.quizzes import quiz_attempt_save, quiz_attempt_start

ROOT = Path(settings.BASE_DIR)
_spec = importlib.util.spec_from_file_location("check_units", ROOT / "scripts" / "check_units.py")
check_units = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_units)


@pytest.fixture
def deploy_copy(tmp_path):
    target = tmp_path / "deploy"
    shutil.copytree(ROOT / "deploy", target)
    return target


def test_shipped_units_cron_nginx_and_env_agree():
    assert check_units.static_problems() == []
    commands = {check_units.job_command_name(job.command) for job in check_units.jobs(
        check_units.load_units())}  # fmt: skip
    assert commands == check_units.JOBS


def test_the_static_checks_catch_drift(deploy_copy):
    cron = deploy_copy / "cron" / "loyalty-academy"
    cron.write_text(cron.read_text().replace("*/5 ", "*/7 ").replace("deliveries_retry", "x"))
    (deploy_copy / "systemd" / "loyalty-academy-retention.service").unlink()
    web = deploy_copy / "systemd" / "loyalty-academy-web.service"
    web.write_text(web.read_text().replace("NoNewPrivileges=true\n", ""))
    problems = "\n".join(check_units.static_problems(deploy_copy))
    assert "close_overdue_quiz_attempts runs at '*/7 * * * *'" in problems
    assert "no entry for loyalty-academy-deliveries-retry.service" in problems
    assert "starts loyalty-academy-retention.service, which is not shipped" in problems
    assert "loyalty-academy-web.service: NoNewPrivileges= should be true" in problems


def test_systemd_analyze_verify(deploy_copy):
    skipped, problems = check_units.systemd_verify()
    assert not skipped, skipped  # `make setup-test` installs what it needs
    assert problems == []
    web = deploy_copy / "systemd" / "loyalty-academy-web.service"
    web.write_text(web.read_text().replace(".venv/bin/gunicorn", ".venv/bin/no-such-gunicorn"))
    _skipped, problems = check_units.systemd_verify(deploy_copy)
    assert any("no-such-gunicorn" in line for line in problems)


def test_nginx_accepts_the_example(deploy_copy):
    skipped, problems = check_units.nginx_test()
    assert not skipped, skipped  # `make setup-test` installs nginx-light
    assert problems == []
    conf = deploy_copy / "nginx" / "loyalty-academy.conf"
    conf.write_text(conf.read_text().replace("client_max_body_size 11m;", "client_max_body 1;"))
    _skipped, problems = check_units.nginx_test(deploy_copy)
    assert any("client_max_body" in line for line in problems)


@pytest.mark.django_db(transaction=True)
def test_every_periodic_job_runs_under_its_units_command(trainee, tmp_path):
    quiz, _questions = quiz_setup(trainee, types=("single",), time_limit_minutes=5)
    attempt = quiz_attempt_start(quiz=quiz, trainee=trainee)
    quiz_attempt_save(
        attempt_id=attempt.pk,
        trainee=trainee,
        data=FormData(answer_data(attempt, seq=1)),
        sequence=1,
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))

    env = unit_env(db_url=database_url(), private=tmp_path / "private", media=tmp_path / "media")
    backups = tmp_path / "backups"
    runs = check_units.run_jobs(env=env, backup_dir=backups)

    by_command = {check_units.job_command_name(run.job.command): run for run in runs}
    assert set(by_command) == check_units.JOBS
    for name, run in by_command.items():
        assert run.returncode == 0, f"{name}: {run.output}"
        assert str(ROOT / "manage.py") in run.argv
    assert "closed 1 overdue quiz attempt(s)" in by_command["close_overdue_quiz_attempts"].output
    attempt.refresh_from_db()
    assert attempt.state != QuizAttempt.State.IN_PROGRESS and attempt.closed_late
    assert len(list(backups.glob("loyalty-academy-*.tar"))) == 1
