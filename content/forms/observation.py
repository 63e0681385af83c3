"""The observation item's contexts as checkboxes in the snippet admin. The model field is a
JSON list (content/models/observation.py), whose form field parses JSON text: this widget
shows one checkbox per context and hands the ticked codes back as that JSON text."""

import json

from django import forms


class ContextCheckboxes(forms.CheckboxSelectMultiple):
    """Built with the contexts as `choices` by the model's panel."""

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = []
        if not isinstance(value, list):
            value = []
        return [str(v) for v in value]

    def value_from_datadict(self, data, files, name):
        ticked = super().value_from_datadict(data, files, name) or []
        return json.dumps([str(v) for v in ticked])

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked is an answer (and refused by the model's validator)
