from django.urls import path

from training.views import learning, manage

urlpatterns = [
    path("lessons/<id:lesson_id>/complete/", learning.lesson_complete_view, name="lesson_complete"),
    path("lessons/<id:lesson_id>/position/", learning.lesson_position_view, name="lesson_position"),
    path(
        "courses/<id:course_id>/enrol/", learning.course_self_enrol_view, name="course_self_enrol"
    ),
    path("manage/", manage.course_list, name="manage_courses"),
    path("manage/<id:course_id>/", manage.course_detail, name="manage_course"),
    path("manage/<id:course_id>/enrol-cohort/", manage.enrol_cohort, name="manage_enrol_cohort"),
    path(
        "manage/<id:course_id>/enrol-trainees/",
        manage.enrol_trainees,
        name="manage_enrol_trainees",
    ),
]
