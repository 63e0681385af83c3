"""Marking written quiz answers: a queue of the trainees in the marker's assessment scope,
and the mark form. Marking is assessment: admins and assessors on the trainees assigned to
them (`trainees_to_mark_for`), never trainers as such. Also reached at /learn/marking/."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments.selectors.scope import trainees_to_mark_for
from people.permissions import assessor_required
from training.selectors import quizzes as selectors
from training.services import quizzes as services


class MarkForm(forms.Form):
    """The mark of one written answer. With the rubric of the version answered, one score
    per criterion (0 to its points, in steps of `RUBRIC_STEP`) and the answer's score is
    their sum; a version without a rubric takes one score."""

    score = forms.DecimalField(
        label=gettext_lazy("Score (points)"), min_value=Decimal("0"), max_digits=5, decimal_places=2
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the trainee"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, points: Decimal, rubric=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        self.rubric = tuple(rubric)
        if self.rubric:
            del self.fields["score"]
            criteria = {}
            for criterion in self.rubric:
                criteria[criterion_field(criterion)] = forms.DecimalField(
                    label=criterion.text,
                    min_value=Decimal("0"),
                    max_value=criterion.points,
                    max_digits=5,
                    decimal_places=2,
                    help_text=_(
                        "0 to %(points)s points, in steps of %(step)s (or the full points)."
                    )
                    % {
                        "points": f"{criterion.points.normalize():f}",
                        "step": f"{services.RUBRIC_STEP.normalize():f}",
                    },
                    widget=forms.NumberInput(attrs={"step": str(services.RUBRIC_STEP)}),
                )
            self.fields = {**criteria, "comment": self.fields["comment"]}
        else:
            self.fields["score"].max_value = points
            self.fields["score"].widget.attrs["max"] = str(points)

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score > self.points:
            raise forms.ValidationError(
                _("The score must be between 0 and %(points)s.") % {"points": self.points}
            )
        return score

    def clean(self):
        cleaned = super().clean()
        for criterion in self.rubric:
            name = criterion_field(criterion)
            given = cleaned.get(name)
            if given is not None and given != criterion.points and given % services.RUBRIC_STEP:
                self.add_error(
                    name,
                    _("Criterion scores go in steps of %(step)s points.")
                    % {"step": f"{services.RUBRIC_STEP.normalize():f}"},
                )
        return cleaned

    def criterion_scores(self) -> dict[int, Decimal] | None:
        if not self.rubric:
            return None
        return {
            criterion.pk: self.cleaned_data[criterion_field(criterion)] for criterion in self.rubric
        }


def criterion_field(criterion) -> str:
    return f"criterion_{criterion.pk}"


def _initial(response) -> dict:
    initial = {"comment": response.marker_comment}
    if response.fraction is not None:
        initial["score"] = (response.fraction * response.points).quantize(Decimal("0.01"))
    for criterion in response.question_version.snapshot.rubric:
        given = (response.rubric_scores or {}).get(str(criterion.pk))
        if given is not None:
            initial[criterion_field(criterion)] = Decimal(given)
    return initial


@never_cache
@assessor_required
def marking_queue(request):
    return render(
        request,
        "assessments/marking/queue.html",
        {
            "responses": selectors.marking_queue(
                marker=request.user, trainees=trainees_to_mark_for(request.user).values("pk")
            )
        },
    )


@never_cache
@assessor_required
@require_http_methods(["GET", "POST"])
def marking_mark(request, response_id: int):
    response = selectors.marking_item(
        response_id=response_id,
        marker=request.user,
        trainees=trainees_to_mark_for(request.user).values("pk"),
    )
    rubric = response.question_version.snapshot.rubric
    form = MarkForm(
        request.POST or None, points=response.points, rubric=rubric, initial=_initial(response)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_response_mark(
                response_id=response.pk,
                marker=request.user,
                score=None if rubric else form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                criterion_scores=form.criterion_scores(),
            )
        except services.QuizError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer is marked."))
            return redirect("assessments:marking_queue")
    return render(
        request,
        "assessments/marking/mark.html",
        {"response": response, "form": form, "rubric": rubric},
        status=400 if request.method == "POST" else 200,
    )
