"""Form pieces that turn input no widget or database can take into form errors.

- `BoundedModelMultipleChoiceField`: Django guards `pk=<huge>` lookups but not
  `pk__in=[<huge>]`, which ModelMultipleChoiceField runs on whatever was posted: a 20-digit
  value makes SQLite raise OverflowError (a 500).
- `ReadableInputMixin`: some widgets parse what was posted and raise instead of reporting a
  form error; Wagtail's rich text editor runs `json.loads` on its field, StreamField runs
  `int()` on its block count (see docs/known-limitations.md). Such a field gets an error
  and shows its previous value again, and nothing is saved.
"""

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.numbers import MAX_BIGINT, bounded_int

logger = logging.getLogger(__name__)

# What parsing posted data raises in widgets' value_from_datadict (JSONDecodeError is a
# ValueError, MultiValueDictKeyError a KeyError; AttributeError: valid JSON of the wrong
# shape, e.g. a list where an object is expected).
UNREADABLE = (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose integer keys must be whole numbers the database can
    hold; anything else is the field's own "invalid_pk_value" error."""

    def _integer_key(self) -> bool:
        meta = self.queryset.model._meta
        field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        while field.is_relation:  # multi-table inheritance: the pk is a link to the parent
            field = field.target_field
        return isinstance(field, models.IntegerField)

    def _check_values(self, value):
        if self._integer_key():
            for pk in value:
                if bounded_int(pk, minimum=-MAX_BIGINT - 1) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class ReadableBoundField(BoundField):
    """`data` is the field's initial value when the widget cannot read what was posted; the
    form (ReadableInputMixin) then reports the field as unreadable."""

    @property
    def data(self):
        try:
            return super().data
        except UNREADABLE:
            if self.name not in self.form.unreadable_fields:
                logger.warning(
                    "Unreadable input for field %r of %s",
                    self.name,
                    type(self.form).__name__,
                    exc_info=True,
                )
                self.form.unreadable_fields.add(self.name)
            return self.initial


class ReadableInputMixin:
    """For forms (first in the bases): a field whose posted value its widget cannot parse
    is invalid with `unreadable_message`, instead of the exception reaching the user as a
    500."""

    bound_field_class = ReadableBoundField
    unreadable_message = _(
        "This content could not be read, so nothing was saved. The last saved version is "
        "shown: make your changes again."
    )

    @cached_property
    def unreadable_fields(self) -> set[str]:
        return set()

    def full_clean(self):
        super().full_clean()
        for name in sorted(self.unreadable_fields):
            if name in self.fields and self._errors is not None:
                self.add_error(name, ValidationError(self.unreadable_message, code="unreadable"))
