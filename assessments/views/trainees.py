"""An assessor's (or admin's, read-only unless in the Assessor group) page about one trainee: competency profile,
evidence, decisions, the assessor's open observation drafts, and the actions to gather more.
On a phone the profile is one card per indicator and the actions sit at the top."""

from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceKind
from assessments.selectors.certificate_card import certificate_card
from assessments.selectors.evidence import evidence_for_trainee, third_party_requests_for
from assessments.selectors.observation_drafts import open_drafts
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import (
    assessment_context,
    may_assess,
    may_see_assessments,
    trainee_visible_or_404,
)
from people.permissions import role_required

assessment_staff_required = role_required(may_see_assessments)


@never_cache
@assessment_staff_required
def trainee_detail(request, trainee_id: int):
    trainee = trainee_visible_or_404(request.user, trainee_id)
    unit, course = assessment_context(trainee)
    may_act = may_assess(request.user, trainee)
    profile = competency_profile(trainee=trainee, unit=unit, course=course) if unit else None
    evidence = evidence_for_trainee(trainee=trainee, unit=unit) if unit else []
    prefetch_related_objects(evidence, "attachments")
    return render(
        request,
        "assessments/workspace/trainee.html",
        {
            "trainee": trainee,
            "unit": unit,
            "course": course,
            "profile": profile,
            "evidence": evidence,
            "met_count": sum(row.met for row in profile.rows) if profile else 0,
            "drafts": list(open_drafts(assessor=request.user, trainee=trainee)) if may_act else [],
            "decisions": Decision.objects.filter(trainee=trainee).select_related(
                "assessor__profile"
            ),
            "requests": third_party_requests_for(trainee=trainee, unit=unit)
            if may_act and unit
            else [],
            "may_act": may_act,
            "certificate_card": certificate_card(trainee=trainee, unit=unit, user=request.user),
            "now": timezone.now(),  # which third-party links still work
            "observation_kinds": [
                (EvidenceKind.OBSERVATION, EvidenceKind.OBSERVATION.label),
                (EvidenceKind.ROLE_PLAY, EvidenceKind.ROLE_PLAY.label),
            ],
        },
    )
