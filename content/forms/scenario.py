"""Admin form pieces of the scenario page: the score field, the step picker of a choice's
"at step" and "leads to step", the page form that refuses to publish an invalid graph, and
the panel that draws the graph of the draft."""

from __future__ import annotations

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from content import scenario_graph
from content.forms.pages import PageForm

logger = logging.getLogger(__name__)


class ScoreListFormField(forms.CharField):
    """Edits [{"indicator": "T2.1", "points": 2}] as the text 'T2.1:+2, T3.1:-1'."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return scenario_graph.format_scores(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        try:
            return scenario_graph.parse_scores(text)
        except scenario_graph.ScoreSyntaxError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def has_changed(self, initial, data):
        try:
            return (initial or []) != self.to_python(data)
        except ValidationError:
            return True


class StepKeySelect(forms.Select):
    """A choice's step, picked from the scenario's steps (key and the start of its text)
    instead of typed. The server fills the options from the steps of the revision being
    edited (ScenarioPageForm); static/js/scenario_step_picker.js refreshes every picker
    from the step forms on the page as the trainer types, adds or removes steps, so a step
    added in the same edit can be chosen before saving. A value that names no step (a typo,
    or a step still to be written) stays selected and shown as such; the linter reports it
    when publishing. The posted value is the key, as before (a SlugField)."""

    def __init__(self, attrs=None):
        base = {
            "data-step-key-select": "",
            "data-blank-label": _("Choose a step"),
            "data-missing-label": _("(no such step yet)"),
        }
        super().__init__({**base, **(attrs or {})}, choices=[("", _("Choose a step"))])

    class Media:
        js = ["js/scenario_step_picker.js"]

    def get_context(self, name, value, attrs):
        keys = {str(key) for key, _label in self.choices}
        if value and str(value) not in keys:
            self.choices = [*self.choices, (value, f"{value} {_('(no such step yet)')}")]
        return super().get_context(name, value, attrs)


def step_choices(steps) -> list[tuple[str, str]]:
    """The picker's options for `steps` (ScenarioStep objects, in order): key · text."""
    choices, seen = [("", _("Choose a step"))], set()
    for step in steps:
        if step.key and step.key not in seen:
            seen.add(step.key)
            choices.append((step.key, f"{step.key} · {Truncator(step.text).chars(40)}"))
    return choices


def _live_child_data(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append(data)
    return rows


class ScenarioPageForm(PageForm):
    """Saving a draft is always allowed; publishing and submitting for review require a
    scenario the linter passes (content.scenario_graph.lint). The problems are shown at the
    top of the form, each naming its step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from content.selectors.scenarios import scenario_unit_indicators

        if "indicators" in self.fields:
            anchor = self.instance if self.instance.pk else self.parent_page
            self.fields["indicators"].queryset = scenario_unit_indicators(anchor)
            self.fields["indicators"].widget = forms.CheckboxSelectMultiple()
            self.fields["indicators"].widget.choices = self.fields["indicators"].choices
        self._offer_steps()

    def _offer_steps(self) -> None:
        """Each choice's step pickers offer the steps of the revision being edited."""
        formset = self.formsets.get("choices")
        if formset is None:
            return
        choices = step_choices(self.instance.steps.all())
        for form in formset.forms:
            for name in ("from_key", "to_key"):
                field = form.fields.get(name)
                if field is not None and isinstance(field.widget, StepKeySelect):
                    field.widget.choices = choices

    def is_publishing(self) -> bool:
        return bool(self.data.get("action-publish") or self.data.get("action-submit"))

    def draft_graph(self) -> scenario_graph.Graph:
        steps = [
            scenario_graph.Step(
                key=row.get("key") or "",
                kind=row.get("kind") or scenario_graph.LINE,
                text=row.get("text") or "",
                speaker=row.get("speaker") or "",
                rating=row.get("rating") or "",
                is_start=bool(row.get("is_start")),
                band_min=row.get("band_min"),
                band_max=row.get("band_max"),
            )
            for row in _live_child_data(self.formsets["steps"])
        ]
        choices = [
            scenario_graph.Choice(
                id=i,
                from_key=row.get("from_key") or "",
                to_key=row.get("to_key") or "",
                text=row.get("text") or "",
                feedback=row.get("feedback") or "",
                scores=scenario_graph.scores_tuple(row.get("scores")),
            )
            for i, row in enumerate(_live_child_data(self.formsets["choices"]))
        ]
        claimed = tuple(sorted(i.code for i in (self.cleaned_data.get("indicators") or [])))
        return scenario_graph.Graph(steps=steps, choices=choices, claimed_codes=claimed)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid or not self.is_publishing():
            return valid
        known = [i.code for i in self.fields["indicators"].queryset]
        problems = scenario_graph.lint(self.draft_graph(), known_codes=known)
        for problem in problems:
            self.add_error(None, problem.message)
        if problems:
            self.add_error(
                None,
                _(
                    "The scenario was not published or submitted for review: fix the problems "
                    "above, or save a draft."
                ),
            )
        return not problems


class ScenarioGraphPanel(Panel):
    """The graph of the draft as a picture, with its validation problems."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/scenario/graph_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            svg, problems, error = "", [], ""
            if page is not None and page.pk:
                from content.selectors.scenarios import scenario_graph_of, scenario_publish_problems

                try:
                    problems = scenario_publish_problems(page)
                    svg = scenario_graph.render_svg(scenario_graph_of(page))
                except scenario_graph.RenderError as exc:
                    logger.warning("scenario graph not drawn: %s", exc)
                    error = str(exc)
            context.update(
                {"svg": svg, "problems": problems, "render_error": error, "page_obj": page}
            )
            return context
