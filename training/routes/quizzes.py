from django.urls import path

from training.views import quiz_marking, quizzes

urlpatterns = [
    path("quiz/<id:quiz_id>/", quizzes.quiz_detail, name="quiz"),
    path("quiz/<id:quiz_id>/start/", quizzes.quiz_start, name="quiz_start"),
    path("quiz/attempt/<id:attempt_id>/", quizzes.attempt_take, name="quiz_attempt"),
    path("quiz/attempt/<id:attempt_id>/save/", quizzes.attempt_save, name="quiz_save"),
    path("quiz/attempt/<id:attempt_id>/check/<id:slot>/", quizzes.attempt_check, name="quiz_check"),
    path("quiz/attempt/<id:attempt_id>/submit/", quizzes.attempt_submit, name="quiz_submit"),
    path("quiz/attempt/<id:attempt_id>/result/", quizzes.attempt_result, name="quiz_result"),
    path("marking/", quiz_marking.marking_queue, name="marking_queue"),
    path("marking/<id:response_id>/", quiz_marking.marking_mark, name="marking_mark"),
]
