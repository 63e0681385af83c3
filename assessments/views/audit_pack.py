"""The audit pack download: one trainee's assessment record as PDF, for assessors who may read
that trainee's records, admins, and the trainee (their own). Others get 403 when their role has
no assessment records at all (trainers), else 404 (a trainee or assessor out of scope: the id
is simply not found)."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.selectors.scope import assessment_context, may_see_assessments
from assessments.services.audit_pack import audit_pack_render, may_take_audit_pack
from people import roles
from people.models import User


@never_cache
@require_GET
@login_required
def audit_pack_download(request, trainee_id: int):
    user = request.user
    if user.pk != trainee_id and not may_see_assessments(user):
        raise PermissionDenied
    trainee = get_object_or_404(User.objects.select_related("profile__store"), pk=trainee_id)
    if not roles.is_trainee(trainee) or not may_take_audit_pack(user, trainee):
        raise Http404
    unit, _course = assessment_context(trainee)
    if unit is None:
        raise Http404
    content = audit_pack_render(trainee=trainee, unit=unit, by=user)
    filename = f"audit-pack-{re.sub(r'[^A-Za-z0-9._-]', '', unit.code)}-{trainee.pk}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
