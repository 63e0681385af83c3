"""The assessor's to-do list (/assess/todo/): everything waiting for them, grouped by kind."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.selectors.todo import assessor_todo, todo_total
from people.permissions import assessor_required


@never_cache
@require_GET
@assessor_required
def todo(request):
    groups = assessor_todo(assessor=request.user)
    return render(
        request,
        "assessments/workspace/todo.html",
        {"groups": groups, "total": todo_total(groups), "today": timezone.localdate()},
    )
