"""Wagtail's user admin refuses group ids no database can hold with a form error, on create
and on edit, and still saves real groups."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from people import roles
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

HUGE = str(2**64)


def _edit_data(user, groups):
    return {
        "username": user.username,
        "email": user.email or "someone@example.test",
        "first_name": "林",
        "last_name": "小美",
        "is_active": "on",
        "groups": groups,
    }


def test_editing_a_user_with_a_huge_group_id_is_a_form_error(admin_client_):
    user = make_trainee(name="林小美")
    response = admin_client_.post(f"/admin/users/edit/{user.pk}/", _edit_data(user, [HUGE]))
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [f"“{HUGE}” 不是一個有效的值。"]
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [roles.TRAINEE]


def test_creating_a_user_with_a_huge_group_id_is_a_form_error(admin_client_):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.test",
        "first_name": "新",
        "last_name": "同事",
        "password1": "Long-enough-pass-42",
        "password2": "Long-enough-pass-42",
        "groups": [HUGE],
    }
    response = admin_client_.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not Group.objects.get(name=roles.TRAINER).user_set.filter(username="newcomer").exists()


def test_real_groups_still_save(admin_client_):
    user = make_trainee(name="林小美")
    assessor_group = Group.objects.get(name=roles.ASSESSOR)
    response = admin_client_.post(
        f"/admin/users/edit/{user.pk}/", _edit_data(user, [str(assessor_group.pk)])
    )
    assert response.status_code == 302
    assert list(user.groups.values_list("name", flat=True)) == [roles.ASSESSOR]
