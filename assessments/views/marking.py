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
    score = forms.DecimalField(
        label=gettext_lazy("Score (points)"), min_value=Decimal("0"), max_digits=5, decimal_places=2
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the trainee"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["score"].max_value = points
        self.fields["score"].widget.attrs["max"] = str(points)

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score > self.points:
            raise forms.ValidationError(
                _("The score must be between 0 and %(points)s.") % {"points": self.points}
            )
        return score


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
    form = MarkForm(
        request.POST or None,
        points=response.points,
        initial={
            "score": (response.fraction * response.points).quantize(Decimal("0.01"))
            if response.fraction is not None
            else None,
            "comment": response.marker_comment,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_response_mark(
                response_id=response.pk,
                marker=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except services.QuizError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer is marked."))
            return redirect("assessments:marking_queue")
    return render(
        request,
        "assessments/marking/mark.html",
        {"response": response, "form": form},
        status=400 if request.method == "POST" else 200,
    )
