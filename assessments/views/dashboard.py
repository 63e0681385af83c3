from django.shortcuts import render
from django.views.decorators.cache import never_cache

from people.permissions import assessor_required


@never_cache
@assessor_required
def dashboard(request):
    return render(request, "assessments/dashboard.html", {})
