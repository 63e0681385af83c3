"""The base form of every page type of ours (`base_form_class`), and the form field Wagtail's
admin forms (pages, snippets) use for many-to-many fields."""

from django.db import models
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.models import register_form_field_override

from core.forms import BoundedModelMultipleChoiceField, ReadableInputMixin


class PageForm(ReadableInputMixin, WagtailAdminPageForm):
    """A rich text or StreamField value the editor cannot read (malformed JSON) is a form
    error on that field, not a 500 (docs/known-limitations.md)."""


# A posted id beyond 64 bits is a form error, not an OverflowError from `pk__in` (SQLite).
# Registered here, at model import time, before Wagtail builds any admin form class.
register_form_field_override(
    models.ManyToManyField, override={"form_class": BoundedModelMultipleChoiceField}
)
