"""core.views.run_service: a valid form calls the service; a refusal becomes a form error."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from core.views import REFUSALS_AND_DENIALS, run_service


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_valid_form_returns_what_the_service_returns():
    assert run_service(NameForm({"name": "林"}), lambda data: data["name"] * 2) == "林林"


def test_an_invalid_or_unbound_form_does_not_call_the_service():
    def boom(data):
        raise AssertionError("called")

    assert run_service(NameForm({}), boom) is None
    assert run_service(NameForm(), boom) is None


def test_a_refusal_is_an_error_of_the_whole_form():
    form = NameForm({"name": "林"})

    def refuse(data):
        raise ValidationError("已經有了")

    assert run_service(form, refuse) is None
    assert form.non_field_errors() == ["已經有了"]


def test_denials_are_refusals_only_when_asked():
    def deny(data):
        raise PermissionDenied("不是你的")

    with pytest.raises(PermissionDenied):
        run_service(NameForm({"name": "林"}), deny)
    form = NameForm({"name": "林"})
    assert run_service(form, deny, refusals=REFUSALS_AND_DENIALS) is None
    assert form.non_field_errors() == ["不是你的"]
