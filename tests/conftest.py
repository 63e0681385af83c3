"""Fixtures every suite shares: the role groups, one user per role, logged-in clients."""

import pytest
from django.test import Client

from people.services import roles_sync
from tests.factories.people import (
    PASSWORD,
    make_admin,
    make_assessor,
    make_trainee,
    make_trainer,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite builds its schema without migrations (fast, and independent of migration
    history); the data our migrations create is created here through the same services."""
    from tests.search_schema import sqlite_full_text_table

    with django_db_blocker.unblock():
        sqlite_full_text_table()
        migrated_data_ensure()


def migrated_data_ensure() -> None:
    """What our migrations create (locale, home page and site, role groups), created again
    where a transactional test's flush removed it."""
    from wagtail.models import Locale

    from content.services.site import site_ensure_home

    Locale.objects.get_or_create(language_code="zh-hant")
    site_ensure_home()
    roles_sync()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(autouse=True)
def _migrated_data_after_flush(request):
    """pytest-django runs transactional tests last, and each flushes the database when it
    ends: the next one would find no home page. Each starts with the migrations' data."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        migrated_data_ensure()


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def _shared_cache_emptied(request, django_db_blocker):
    """The cache lives in the database (settings.CACHES) but outside the models, so a
    flushed transactional test would leave it holding data of rows that no longer exist:
    each test that touched the database leaves it empty."""
    yield
    if _DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after():
    """A request through the test client to a /en/ URL leaves English active in this thread
    (LocaleMiddleware activates and never deactivates): each test ends in the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture
def role_groups(db):
    return roles_sync()


@pytest.fixture
def trainee(role_groups):
    return make_trainee(name="林小美")


@pytest.fixture
def other_trainee(role_groups):
    return make_trainee(name="王大明")


@pytest.fixture
def trainer(role_groups):
    return make_trainer(name="張教練")


@pytest.fixture
def assessor(role_groups):
    return make_assessor(name="陳評審")


@pytest.fixture
def admin_user(role_groups):
    return make_admin(name="系統管理員")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trainee_client(trainee):
    return _client_for(trainee)


@pytest.fixture
def other_trainee_client(other_trainee):
    return _client_for(other_trainee)


@pytest.fixture
def trainer_client(trainer):
    return _client_for(trainer)


@pytest.fixture
def assessor_client(assessor):
    return _client_for(assessor)


@pytest.fixture
def admin_client_(admin_user):
    return _client_for(admin_user)


ROLE_NAMES = ("anonymous", "trainee", "other_trainee", "trainer", "assessor", "admin")


@pytest.fixture
def client_as(db, role_groups, request):
    """`client_as("trainer")` -> (client, user). One call per role keeps role matrices short."""
    cache: dict[str, tuple] = {}

    def get(role: str):
        if role not in cache:
            if role == "anonymous":
                cache[role] = (Client(), None)
            else:
                fixture = {"admin": "admin_user"}.get(role, role)
                user = request.getfixturevalue(fixture)
                cache[role] = (_client_for(user), user)
        return cache[role]

    return get


__all__ = ["PASSWORD", "ROLE_NAMES"]
