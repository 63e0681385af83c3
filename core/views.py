"""What views of every app share."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

T = TypeVar("T")

# What a service raises to refuse a write: a form error for the user, not a failure.
REFUSALS = (ValidationError,)
REFUSALS_AND_DENIALS = (ValidationError, PermissionDenied)


def refusal_error(refused: Exception) -> ValidationError | str:
    return refused if isinstance(refused, ValidationError) else str(refused)


def run_service(
    form: forms.Form,
    call: Callable[[dict], T],
    *,
    refusals: tuple[type[Exception], ...] = REFUSALS,
    describe: Callable[[Exception], ValidationError | str | list[str]] = refusal_error,
) -> T | None:
    """The form step of a view that writes: when `form` is valid, `call` the service with
    the form's cleaned data and return what the service returns (the record it wrote). A
    refusal the service raises becomes an error of the whole form, worded by `describe`.
    None when the form is unbound or invalid or the service refused: show the form again."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except refusals as refused:
        form.add_error(None, describe(refused))
        return None
