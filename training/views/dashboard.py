from django.shortcuts import render
from django.views.decorators.cache import never_cache

from people.permissions import trainee_required


@never_cache
@trainee_required
def dashboard(request):
    return render(request, "training/dashboard.html", {})
