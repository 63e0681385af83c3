"""Every model of the training app, one module per feature, imported here so that Django
registers them."""

from training.models.enrolment import Enrolment
from training.models.progress import LessonProgress
from training.models.question_versions import QuestionVersion
from training.models.quiz_attempts import QuizAttempt, QuizResponse
from training.models.scenario_runs import ScenarioRun, ScenarioRunStep

__all__ = [
    "Enrolment",
    "LessonProgress",
    "QuestionVersion",
    "QuizAttempt",
    "QuizResponse",
    "ScenarioRun",
    "ScenarioRunStep",
]
