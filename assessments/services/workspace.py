"""Assessor assignments (made and removed, both audited) and the oral question bank."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models.assignments import AssessorAssignment
from assessments.models.questions import OralQuestion
from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from core.audit import audit_record
from people import roles
from people.models import Cohort, Store, User


@transaction.atomic
def assessor_assignment_create(
    *,
    admin: User | None,
    assessor: User,
    cohort: Cohort | None = None,
    store: Store | None = None,
) -> AssessorAssignment:
    if admin is not None and not roles.is_admin(admin):
        raise PermissionDenied
    if not roles.is_assessor(assessor):
        raise ValidationError(_("Only assessors can be assigned."))
    if (cohort is None) == (store is None):
        raise ValidationError(_("Choose a cohort or a store."))
    assignment, created = AssessorAssignment.objects.get_or_create(
        assessor=assessor, cohort=cohort, store=store, defaults={"assigned_by": admin}
    )
    if created:
        audit_record(
            actor=admin,
            action="assignment.created",
            obj=assignment,
            summary=f"{assessor.printed_name} → {cohort or store}",
        )
    return assignment


@transaction.atomic
def assessor_assignment_remove(*, admin: User, assignment_id: int) -> None:
    """An admin ends an assignment: the assessor loses access to those trainees at once
    (may_assess reads the assignments). Recorded in the audit log."""
    if not roles.is_admin(admin):
        raise PermissionDenied
    assignment = (
        AssessorAssignment.objects.select_for_update(of=("self",))
        .select_related("assessor__profile", "cohort", "store")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise Http404
    summary = f"{assignment.assessor.printed_name} → {assignment.cohort or assignment.store}"
    data = {
        "assessor": assignment.assessor_id,
        "cohort": assignment.cohort_id,
        "store": assignment.store_id,
        "assigned_by": assignment.assigned_by_id,
        "assigned_at": assignment.assigned_at.isoformat(),
    }
    audit_record(
        actor=admin, action="assignment.removed", obj=assignment, summary=summary, data=data
    )
    assignment.delete()


@transaction.atomic
def oral_question_create(
    *,
    author: User,
    unit: CompetencyUnit,
    indicator: Indicator,
    text: str,
    model_answer: str,
    competency_items: Iterable[CompetencyItem] = (),
) -> OralQuestion:
    if not roles.is_assessor(author):
        raise PermissionDenied
    if indicator.unit_id != unit.pk or any(i.unit_id != unit.pk for i in competency_items):
        raise ValidationError(_("The indicator and items must belong to the unit."))
    question = OralQuestion.objects.create(
        unit=unit, indicator=indicator, text=text, model_answer=model_answer, created_by=author
    )
    question.competency_items.set(competency_items)
    audit_record(actor=author, action="oral_question.created", obj=question, summary=text[:200])
    return question
