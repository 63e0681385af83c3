"""The rows of the progress report: one per enrolment (trainee x course), with lessons
completed, the latest decision and its date and the current certificate's number, all as
annotations of one query. What cannot be a column of that query (quiz grades, scenario
scores, evidence status) is `progress_report_details`."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from assessments.models.certificates import Certificate
from assessments.models.decisions import Decision
from content.models import LessonPage
from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress


def progress_rows(*, trainees: QuerySet | None = None) -> QuerySet[Enrolment]:
    """Every enrolment, or those of `trainees` (a queryset of users: an assessor's scope)."""
    completed = (
        LessonProgress.objects.filter(
            trainee=OuterRef("trainee"),
            completed_at__isnull=False,
            lesson__path__startswith=OuterRef("course__path"),
        )
        .order_by()
        .values("trainee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    total = (
        LessonPage.objects.filter(path__startswith=OuterRef("course__path"), live=True)
        .order_by()
        .annotate(k=Value(1))
        .values("k")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = Decision.objects.filter(
        trainee=OuterRef("trainee"), course=OuterRef("course")
    ).order_by("-decided_at", "-pk")
    certificate = Certificate.objects.filter(
        Q(course=OuterRef("course")) | Q(course__isnull=True, unit=OuterRef("course__unit")),
        trainee=OuterRef("trainee"),
        status=Certificate.Status.ISSUED,
    ).order_by("-issued_at", "-pk")
    queryset = Enrolment.objects.all()
    if trainees is not None:
        queryset = queryset.filter(trainee__in=trainees.values("pk"))
    return (
        queryset.select_related("trainee__profile__store", "course__unit", "cohort")
        .prefetch_related("trainee__profile__cohorts")
        .annotate(
            lessons_done=Coalesce(Subquery(completed, output_field=IntegerField()), 0),
            lessons_total=Coalesce(Subquery(total, output_field=IntegerField()), 0),
            decision_pk=Subquery(latest.values("pk")[:1]),
            decision_outcome=Subquery(latest.values("outcome")[:1]),
            decision_on=Subquery(latest.values("assessed_on")[:1]),
            certificate_number=Subquery(certificate.values("number")[:1]),
        )
        .order_by("trainee__profile__full_name", "course__title", "pk")
    )


def search_rows(queryset, text: str):
    return queryset.filter(
        Q(trainee__profile__full_name__icontains=text)
        | Q(trainee__profile__employee_number__icontains=text)
    )
