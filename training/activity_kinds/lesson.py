"""Lessons as an activity kind: done when the trainee marked (or scrolled) them complete."""

from training.completion import ActivityStatus, register_activity_kind
from training.models.progress import LessonProgress


@register_activity_kind("content.LessonPage")
def lesson_status(trainee_ids, pages, course=None) -> dict:
    rows = LessonProgress.objects.filter(
        trainee_id__in=list(trainee_ids), lesson_id__in=[page.pk for page in pages]
    ).values_list("trainee_id", "lesson_id", "completed_at")
    return {
        (trainee_id, lesson_id): ActivityStatus(
            started=True, done=completed_at is not None, finished_at=completed_at
        )
        for trainee_id, lesson_id, completed_at in rows
    }
