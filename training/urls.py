"""URLs of the trainee area, mounted at `/learn/` (namespace "training")."""

from django.urls import path
from django.views.generic import RedirectView

from training.views import dashboard, learning, manage, quizzes, scenarios, search

app_name = "training"
urlpatterns = [
    # The trainee's dashboard
    path("", dashboard.dashboard, name="dashboard"),
    # Lessons and self-enrolment
    path("lessons/<id:lesson_id>/complete/", learning.lesson_complete_view, name="lesson_complete"),
    path("lessons/<id:lesson_id>/position/", learning.lesson_position_view, name="lesson_position"),
    path("lessons/<id:lesson_id>/visit/", learning.lesson_visit_view, name="lesson_visit"),
    path(
        "courses/<id:course_id>/enrol/", learning.course_self_enrol_view, name="course_self_enrol"
    ),
    # Search across the lessons of the trainee's courses
    path("search/", search.search, name="search"),
    # Enrolment of cohorts and trainees (trainers)
    path("manage/", manage.course_list, name="manage_courses"),
    path("manage/<id:course_id>/", manage.course_detail, name="manage_course"),
    path("manage/<id:course_id>/enrol-cohort/", manage.enrol_cohort, name="manage_enrol_cohort"),
    path(
        "manage/<id:course_id>/enrol-trainees/",
        manage.enrol_trainees,
        name="manage_enrol_trainees",
    ),
    # Quizzes
    path("quiz/<id:quiz_id>/", quizzes.quiz_detail, name="quiz"),
    path("quiz/<id:quiz_id>/start/", quizzes.quiz_start, name="quiz_start"),
    path("quiz/attempt/<id:attempt_id>/", quizzes.attempt_take, name="quiz_attempt"),
    path("quiz/attempt/<id:attempt_id>/save/", quizzes.attempt_save, name="quiz_save"),
    path("quiz/attempt/<id:attempt_id>/check/<id:slot>/", quizzes.attempt_check, name="quiz_check"),
    path("quiz/attempt/<id:attempt_id>/submit/", quizzes.attempt_submit, name="quiz_submit"),
    path("quiz/attempt/<id:attempt_id>/result/", quizzes.attempt_result, name="quiz_result"),
    # Marking written answers is assessment, scoped by assessor assignments, so it lives in
    # `assessments` (/assess/marking/); the old addresses keep working as redirects (by URL
    # name: training never imports assessments).
    path(
        "marking/",
        RedirectView.as_view(pattern_name="assessments:marking_queue", query_string=True),
        name="marking_queue",
    ),
    path(
        "marking/<id:response_id>/",
        RedirectView.as_view(pattern_name="assessments:marking_mark", query_string=True),
        name="marking_mark",
    ),
    # Role-play scenarios
    path("scenarios/<id:page_id>/", scenarios.scenario_start, name="scenario_start"),
    path("scenarios/<id:page_id>/play/", scenarios.scenario_begin, name="scenario_begin"),
    path("scenarios/runs/<id:run_id>/", scenarios.scenario_run, name="scenario_run"),
    path("scenarios/runs/<id:run_id>/choose/", scenarios.scenario_choose, name="scenario_choose"),
    path("scenarios/runs/<id:run_id>/back/", scenarios.scenario_back, name="scenario_back"),
]
