"""Every model of the content app, imported here so that Django registers them: the
competency framework, mapping, observation items, assessment instruments, question bank and review task in
`content/models/`, the Wagtail pages in `content/pages/`."""

from content.models.framework import (
    AssessmentMethod,
    CompetencyItem,
    CompetencyUnit,
    Indicator,
    UnitGuidance,
    UnitNote,
    WorkTask,
)
from content.models.instruments import (
    AssessmentInstrument,
    InstrumentCriterion,
    InstrumentValidation,
)
from content.models.mapping import CompetencyMapped
from content.models.observation import ObservationItem
from content.models.questions import Question, QuestionOption, QuestionTag
from content.models.review import TwoPersonApprovalTask
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.home import HomePage
from content.pages.lesson import LessonPage
from content.pages.quiz import QuizPage, QuizQuestion
from content.pages.scenario import ScenarioChoice, ScenarioPage, ScenarioStep

__all__ = [
    "AssessmentInstrument",
    "AssessmentMethod",
    "CompetencyItem",
    "CompetencyMapped",
    "CompetencyUnit",
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "Indicator",
    "InstrumentCriterion",
    "InstrumentValidation",
    "LessonPage",
    "ModulePage",
    "ObservationItem",
    "Question",
    "QuestionOption",
    "QuestionTag",
    "QuizPage",
    "QuizQuestion",
    "ScenarioChoice",
    "ScenarioPage",
    "ScenarioStep",
    "TwoPersonApprovalTask",
    "UnitGuidance",
    "UnitNote",
    "WorkTask",
]
