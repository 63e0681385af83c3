"""Production settings refuse to start without a secret key and pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", env_extra={"DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_passes_deploy_checklist_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _production_setting(expression: str, **env_extra) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **env_extra,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_language_cookie_is_secure_and_same_site():
    assert (
        _production_setting("(settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE)")
        == "(True, 'Lax')"
    )


def test_forwarded_proto_is_trusted_only_when_the_deployment_says_a_proxy_overwrites_it():
    assert _production_setting("settings.SECURE_PROXY_SSL_HEADER") == "None"
    assert (
        _production_setting("settings.SECURE_PROXY_SSL_HEADER", DJANGO_BEHIND_TLS_PROXY="true")
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
