"""The quiz page's admin form: saving a draft is always allowed; publishing and submitting
for review require a quiz whose draw every trainee can get (content.selectors.quiz_pool:
practice questions stay out of assessments, and a blueprint the bank can fill)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from content.forms.pages import PageForm
from content.quiz_blueprint import Row


class QuizPageForm(PageForm):
    def is_publishing(self) -> bool:
        return bool(self.data.get("action-publish") or self.data.get("action-submit"))

    def draft_rows(self) -> list[Row]:
        rows = []
        for form in self.formsets["blueprint_rows"].forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("indicator") is None:
                continue
            rows.append(
                Row(
                    indicator_id=data["indicator"].pk,
                    code=data["indicator"].code,
                    count=data.get("count") or 0,
                    points=data.get("points"),
                    easy=data.get("easy"),
                    medium=data.get("medium"),
                    hard=data.get("hard"),
                    calculations=data.get("calculations") or 0,
                    written=data.get("written"),
                )
            )
        return rows

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid or not self.is_publishing():
            return valid
        from content.selectors.quiz_pool import quiz_publish_problems, quiz_unit_id

        draft = self.instance
        draft.purpose = self.cleaned_data.get("purpose") or draft.purpose
        draft.selection = self.cleaned_data.get("selection") or draft.selection
        anchor = draft if draft.pk else self.parent_page
        problems = quiz_publish_problems(
            draft, rows=self.draft_rows(), unit_id=quiz_unit_id(anchor)
        )
        for problem in problems:
            self.add_error(None, problem)
        if problems:
            self.add_error(
                None,
                _(
                    "The quiz was not published or submitted for review: fix the problems "
                    "above, or save a draft."
                ),
            )
        return not problems


class QuizBlueprintPanel(Panel):
    """The blueprint of the last saved draft: what the bank holds for each row, and the
    spread of simulated draws (every form should be alike), or why it cannot be drawn."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/quiz/blueprint_panel.html"

        def get_context_data(self, parent_context=None):
            from content.selectors.quiz_pool import quiz_blueprint_report

            context = super().get_context_data(parent_context)
            page = self.instance
            context["page_obj"] = page
            if page is not None and page.pk:
                context["report"] = quiz_blueprint_report(page)
            return context
