"""Who may see which trainees and their records. Every view fetches through these, so a
foreign id in a URL or form is simply not found (404)."""

from django.db.models import Q, QuerySet

from assessments.models.appeals import AppealAssignment
from assessments.models.assignments import AssessorAssignment
from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceRecord
from content.models.framework import CompetencyUnit
from content.pages.course import CoursePage
from people import roles
from people.models import User


def _trainees() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.TRAINEE, is_active=True)


def trainees_for_assessor(user) -> QuerySet[User]:
    """The trainees this user may assess: admins all; assessors those in their assigned cohorts
    or stores (never themselves); everyone else none."""
    if not user.is_authenticated:
        return User.objects.none()
    if roles.is_admin(user):
        ids = _trainees().values("pk")
    elif roles.is_assessor(user):
        assignments = AssessorAssignment.objects.filter(assessor=user)
        ids = (
            _trainees()
            .filter(
                Q(profile__cohorts__in=assignments.exclude(cohort=None).values("cohort"))
                | Q(profile__store__in=assignments.exclude(store=None).values("store"))
            )
            .exclude(pk=user.pk)
            .values("pk")
        )
    else:
        return User.objects.none()
    return (
        User.objects.filter(pk__in=ids)
        .select_related("profile")
        .order_by("profile__full_name", "pk")
    )


def trainees_under_review_by(user) -> QuerySet[User]:
    """Trainees whose appeal this user has been assigned to review."""
    return User.objects.filter(appeals__assignments__reviewer=user).exclude(pk=user.pk)


def trainees_visible_to(user) -> QuerySet[User]:
    """Trainees whose progress this user may see: trainers see all (read-only), assessors
    and admins their assessment scope plus the trainees whose appeal they review."""
    if not user.is_authenticated:
        return User.objects.none()
    if roles.is_trainer(user) and not roles.is_admin(user) and not roles.is_assessor(user):
        ids = _trainees().values("pk")
    elif roles.is_assessor(user) and not roles.is_admin(user):
        ids = User.objects.filter(
            Q(pk__in=trainees_for_assessor(user).values("pk"))
            | Q(pk__in=trainees_under_review_by(user).values("pk"))
        ).values("pk")
    else:
        return trainees_for_assessor(user)
    return (
        User.objects.filter(pk__in=ids)
        .select_related("profile")
        .order_by("profile__full_name", "pk")
    )


def can_decide(user) -> bool:
    return user.is_authenticated and roles.is_assessor(user)


def evidence_visible_to(user) -> QuerySet[EvidenceRecord]:
    if not user.is_authenticated:
        return EvidenceRecord.objects.none()
    visible = trainees_visible_to(user).values("pk")
    return EvidenceRecord.objects.filter(Q(trainee__in=visible) | Q(trainee=user)).select_related(
        "trainee__profile", "recorded_by__profile", "unit"
    )


def decisions_visible_to(user) -> QuerySet[Decision]:
    if not user.is_authenticated:
        return Decision.objects.none()
    visible = trainees_visible_to(user).values("pk")
    reviewing = AppealAssignment.objects.filter(reviewer=user).values("appeal__decision")
    return Decision.objects.filter(
        Q(trainee__in=visible) | Q(trainee=user) | Q(pk__in=reviewing)
    ).select_related("trainee__profile", "assessor__profile", "unit")


def assessment_context(trainee=None) -> tuple[CompetencyUnit | None, CoursePage | None]:
    """The unit and course a trainee is assessed against: the course they are enrolled in,
    else the first live course, else the first current unit (with default rules)."""
    course = None
    if trainee is not None:
        course = (
            CoursePage.objects.filter(enrolments__trainee=trainee)
            .select_related("unit")
            .order_by("pk")
            .first()
        )
    if course is None:
        course = CoursePage.objects.live().select_related("unit").order_by("pk").first()
    if course is not None:
        return course.unit, course
    unit = (
        CompetencyUnit.objects.filter(status=CompetencyUnit.Status.CURRENT).order_by("pk").first()
    )
    return unit, None


def trainee_for_assessor_or_404(user, trainee_id: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(trainees_for_assessor(user), pk=trainee_id)


def trainee_visible_or_404(user, trainee_id: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(trainees_visible_to(user), pk=trainee_id)
