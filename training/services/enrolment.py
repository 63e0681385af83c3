"""Writes about enrolments: a trainer enrols single trainees or a whole cohort; a trainee
enrols themselves when the course allows it. Enrolling twice changes nothing."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from content.pages.course import CoursePage
from people import roles
from people.models import Cohort
from training.models.enrolment import Enrolment

User = get_user_model()


def _check_course(course: CoursePage) -> None:
    if not course.live:
        raise ValidationError(_("This course is not published."))


@transaction.atomic
def enrolment_create(
    *,
    trainee,
    course: CoursePage,
    source: str = Enrolment.Source.TRAINER,
    enrolled_by=None,
    cohort: Cohort | None = None,
) -> tuple[Enrolment, bool]:
    """Enrol one trainee. Returns (enrolment, created)."""
    if not roles.is_trainee(trainee):
        raise ValidationError(_("Only trainees can be enrolled on a course."))
    _check_course(course)
    return Enrolment.objects.get_or_create(
        trainee=trainee,
        course=course,
        defaults={"source": source, "enrolled_by": enrolled_by, "cohort": cohort},
    )


@transaction.atomic
def cohort_enrol(*, cohort: Cohort, course: CoursePage, enrolled_by) -> int:
    """Enrol every trainee of the cohort who is not enrolled yet. Returns how many were
    added. Three queries whatever the cohort's size."""
    _check_course(course)
    trainees = User.objects.filter(
        profile__cohorts=cohort, groups__name=roles.TRAINEE, is_active=True
    ).distinct()
    already = set(
        Enrolment.objects.filter(course=course, trainee__in=trainees).values_list(
            "trainee_id", flat=True
        )
    )
    new = [
        Enrolment(
            trainee_id=trainee_id,
            course=course,
            source=Enrolment.Source.COHORT,
            enrolled_by=enrolled_by,
            cohort=cohort,
        )
        for trainee_id in trainees.values_list("pk", flat=True)
        if trainee_id not in already
    ]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def enrolment_self(*, trainee, course: CoursePage) -> Enrolment:
    """A trainee enrols themselves, when the course allows it."""
    if not course.allow_self_enrolment:
        raise ValidationError(_("This course does not allow self-enrolment. Ask your trainer."))
    enrolment, _created = enrolment_create(
        trainee=trainee, course=course, source=Enrolment.Source.SELF
    )
    return enrolment
