"""Who may see which trainees and their records. Every view fetches through these, so a
foreign id in a URL or form is simply not found (404)."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

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


def current_appeal_assignments() -> QuerySet[AppealAssignment]:
    """The latest assignment of each appeal: a replaced reviewer's row is history only."""
    latest = (
        AppealAssignment.objects.filter(appeal=OuterRef("appeal"))
        .order_by("-assigned_at", "-pk")
        .values("pk")[:1]
    )
    return AppealAssignment.objects.filter(pk=Subquery(latest))


def trainees_under_review_by(user) -> QuerySet[User]:
    """Trainees whose appeal this user is currently assigned to review (a replaced reviewer
    keeps no access)."""
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(
        pk__in=current_appeal_assignments().filter(reviewer=user).values("appeal__trainee")
    ).exclude(pk=user.pk)


def decisions_under_review_by(user) -> QuerySet[Decision]:
    """Decisions appealed against whose appeal this user currently reviews."""
    if not user.is_authenticated:
        return Decision.objects.none()
    return Decision.objects.filter(
        pk__in=current_appeal_assignments().filter(reviewer=user).values("appeal__decision")
    )


def trainees_visible_to(user) -> QuerySet[User]:
    """Trainees whose assessment records this user may read: admins all, assessors their
    assessment scope plus the trainees whose appeal they currently review; trainers (who are
    not also in the Assessor group) and everyone else none."""
    if not user.is_authenticated:
        return User.objects.none()
    if roles.is_admin(user):
        return trainees_for_assessor(user)
    if not roles.is_assessor(user):
        return User.objects.none()
    ids = User.objects.filter(
        Q(pk__in=trainees_for_assessor(user).values("pk"))
        | Q(pk__in=trainees_under_review_by(user).values("pk"))
    ).values("pk")
    return (
        User.objects.filter(pk__in=ids)
        .select_related("profile")
        .order_by("profile__full_name", "pk")
    )


def may_see_assessments(user) -> bool:
    """Whether /assess/ (dashboard, trainee pages) is for this user at all: admins and
    members of the Assessor group."""
    return roles.is_admin(user) or roles.is_assessor(user)


def trainees_assessable_by(user) -> QuerySet[User]:
    """The trainees this user may assess (record evidence, judge, decide): members of the
    Assessor group, on trainees in their scope, never themselves."""
    if not roles.may_decide(user):
        return User.objects.none()
    return trainees_for_assessor(user).exclude(pk=user.pk)


def may_assess(user, trainee) -> bool:
    """The one predicate "may assess this trainee" for views, services and templates."""
    if trainee is None or not roles.may_decide(user):
        return False
    trainee_pk = getattr(trainee, "pk", trainee)
    return trainees_assessable_by(user).filter(pk=trainee_pk).exists()


def may_correct_decision(user, decision) -> bool:
    """Assessors in scope, and the current reviewer of an appeal against this decision."""
    if decision is None or not roles.may_decide(user) or user.pk == decision.trainee_id:
        return False
    if may_assess(user, decision.trainee_id):
        return True
    return decisions_under_review_by(user).filter(pk=decision.pk).exists()


def trainees_to_mark_for(user) -> QuerySet[User]:
    """Whose written quiz answers this user may mark: marking is assessment, so admins and
    assessors on the trainees in their scope (never their own)."""
    if not user.is_authenticated:
        return User.objects.none()
    return trainees_for_assessor(user).exclude(pk=user.pk)


def can_decide(user) -> bool:
    return user.is_authenticated and roles.may_decide(user)


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
    reviewing = decisions_under_review_by(user).values("pk")
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
    """The trainee to act on (record evidence, judge, decide): in `trainees_assessable_by`."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(trainees_assessable_by(user), pk=trainee_id)


def trainee_visible_or_404(user, trainee_id: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(trainees_visible_to(user), pk=trainee_id)
