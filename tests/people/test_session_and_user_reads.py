"""The two reads every signed-in request starts with, written as SQL once (people/
session_store.py, people/auth_backend.py): they must give what Django's own did. A session
past its expiry signs nobody in; a deactivated or deleted user is signed out; the user and
their profile come back with every field as the ORM reads it, in one query."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from people.auth_backend import user_with_profile
from people.models import Profile, User
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def _session_of(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


@pytest.fixture
def signed_in(client, role_groups):
    trainee = make_trainee(name="林小安")
    client.force_login(trainee)
    assert client.get(reverse("training:dashboard")).status_code in (200, 302)
    return client, trainee


def _signed_in(client) -> bool:
    response = client.get(reverse("training:dashboard"))
    return not (response.status_code == 302 and "/login" in response["Location"])


def test_a_live_session_signs_in(signed_in):
    client, _trainee = signed_in
    assert _signed_in(client)


def test_an_expired_session_signs_nobody_in(signed_in):
    client, _trainee = signed_in
    Session.objects.filter(pk=_session_of(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert not _signed_in(client)


def test_a_deactivated_or_deleted_user_is_signed_out(signed_in):
    client, trainee = signed_in
    User.objects.filter(pk=trainee.pk).update(is_active=False)
    assert not _signed_in(client)


def test_the_user_and_profile_read_as_the_orm_reads_them(role_groups, django_assert_num_queries):
    trainee = make_trainee(name="林小安")
    expected = User.objects.select_related("profile").get(pk=trainee.pk)
    with django_assert_num_queries(1):
        user = user_with_profile(trainee.pk)
        profile = user.profile
    for model, a, b in ((User, expected, user), (Profile, expected.profile, profile)):
        for field in model._meta.concrete_fields:
            left, right = getattr(a, field.attname), getattr(b, field.attname)
            assert (left, type(left)) == (right, type(right)), field.attname
    assert profile.user is user and not user._state.adding


def test_a_user_without_a_profile_or_no_user_at_all(role_groups):
    bare = User.objects.create(username="no-profile")
    Profile.objects.filter(user=bare).delete()
    user = user_with_profile(bare.pk)
    assert user.username == "no-profile"
    with pytest.raises(Profile.DoesNotExist):
        user.profile  # noqa: B018 - as after select_related: reading it raises
    assert user_with_profile(10**9) is None
    assert user_with_profile("not a number") is None
