"""Wagtail's account settings (/admin/account/) can be saved by people who have only a
printed name (no first / last name), and the admin's user list shows printed names and
role labels."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


def account_url():
    with translation.override("zh-hant"):
        return reverse("wagtailadmin_account")


def posted_as_shown(response, **changes) -> dict:
    """The account page's forms as the browser would post them unchanged, with `changes`
    (keys are the posted names, e.g. "locale-preferred_language")."""
    data = {}
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            if panel.name == "password":
                continue
            for name, field in form.fields.items():
                if isinstance(field, forms.FileField):
                    continue
                value = form[name].value()
                key = form.add_prefix(name)
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                elif isinstance(value, (list, tuple)):
                    data[key] = [str(v) for v in value]
                elif value is not None:
                    data[key] = str(value)
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_account_settings_save_without_first_and_last_name(client_as, role):
    client, user = client_as(role)
    assert not user.first_name and not user.last_name
    page = client.get(account_url())
    assert page.status_code == 200
    data = posted_as_shown(page, **{"locale-preferred_language": "en"})
    response = client.post(account_url(), data)
    assert response.status_code == 302
    assert response["Location"] == account_url()
    assert UserProfile.get_for_user(user).preferred_language == "en"
    followed = client.get(response["Location"])
    assert followed.status_code == 200


def test_account_name_fields_say_where_the_printed_name_lives(client_as):
    client, _user = client_as("trainer")
    html = client.get(account_url()).content.decode()
    assert "證書" in html  # the help text: certificates print the profile's full name


def test_user_list_shows_printed_names_and_role_labels(client_as, admin_client_):
    _client, trainer = client_as("trainer")
    with translation.override("zh-hant"):
        listing = admin_client_.get(reverse("wagtailusers_users:index"))
        edit = admin_client_.get(reverse("wagtailusers_users:edit", args=[trainer.pk]))
    assert listing.status_code == 200
    assert "張教練" in listing.content.decode()
    html = edit.content.decode()
    assert edit.status_code == 200
    assert "訓練師" in html or "講師" in html  # the Trainer group by its translated label


def test_admin_edits_a_user_without_names(admin_client_, client_as):
    _client, trainer = client_as("trainer")
    data = {
        "username": trainer.username,
        "email": trainer.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "groups": [str(g.pk) for g in trainer.groups.all()],
    }
    response = admin_client_.post(f"/admin/users/edit/{trainer.pk}/", data)
    assert response.status_code == 302
