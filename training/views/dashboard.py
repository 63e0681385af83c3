"""My learning: the panels other apps put first (the learner's own assessment state, through
training/dashboard_panels.py), then every course the trainee is enrolled on, progress, resume
and coverage."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from people.permissions import trainee_required
from training.dashboard_panels import dashboard_panels
from training.page_cache import keep_dashboard
from training.selectors.learning import learning_dashboard, open_courses
from training.services.progress import enrolment_update_completion


@never_cache
@keep_dashboard  # given again while nothing it shows has changed (training/page_cache.py)
@trainee_required
def dashboard(request):
    cards = learning_dashboard(request.user)
    for card in cards:
        # Activities of other kinds may have finished the course without telling us.
        if not card.completed and card.progress.is_complete:
            enrolment_update_completion(enrolment=card.enrolment)
            card.enrolment.refresh_from_db(fields=["completed_at"])
    return render(
        request,
        "training/dashboard.html",
        {
            "panels": dashboard_panels(request=request),
            "cards": cards,
            "open_courses": open_courses(request.user),
        },
    )
