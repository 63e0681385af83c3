"""Course content is written in Traditional Chinese: under the English interface a lesson
marks its title, summary and body `lang="zh-hant"` (Chinese glyphs, a Chinese screen-reader
voice) and says the content is in Chinese; under zh-Hant there is nothing to say."""

import re

import pytest
from django.utils import translation

from tests.factories.learning import lessons_of, make_learning_course
from training.services.enrolment import enrolment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(role_groups, trainee):
    course = make_learning_course(modules=1, lessons_per_module=1)
    enrolment_create(trainee=trainee, course=course)
    return lessons_of(course)[0]


def test_under_english_the_chinese_content_says_its_language(client_as, lesson):
    client, _user = client_as("trainee")
    html = client.get("/en" + lesson.url).content.decode()
    assert '<html lang="en"' in html
    assert re.search(r'<h1 class="h3" lang="zh-hant">', html, re.I)
    assert re.search(r'class="lesson-body" lang="zh-hant"', html, re.I)
    assert 'data-testid="content-language-note"' in html
    assert "The course content is in Traditional Chinese." in html


def test_under_zh_hant_there_is_no_note(client_as, lesson):
    client, _user = client_as("trainee")
    with translation.override("zh-hant"):  # the page's URL without the /en/ prefix
        url = lesson.url
    html = client.get(url).content.decode()
    assert '<html lang="zh-Hant"' in html
    assert 'data-testid="content-language-note"' not in html
    assert re.search(r'class="lesson-body" lang="zh-hant"', html, re.I)
