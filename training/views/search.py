"""Search across the lessons of the trainee's courses (Wagtail search on LessonPage's
search_fields): only live, unretired lessons in live modules of live courses the trainee is
enrolled on, each with its course, module and a snippet around the first match. Queries: a
fixed number whatever the size of the courses or the number of results."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from wagtail.models import Page
from wagtail.search.query import Phrase

from content.pages.course import ModulePage
from content.pages.lesson import LessonPage, search_spaced
from content.reading_time import plain_text
from people.permissions import trainee_required
from training.models.enrolment import Enrolment

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
MAX_RESULTS = 30
SNIPPET_CONTEXT = 40  # characters either side of the match


@dataclass
class LessonHit:
    page: LessonPage
    course: Page
    module: Page
    snippet: SafeString


def _terms(query: str) -> list[str]:
    """The words of the query, without punctuation (FTS syntax never reaches the index)."""
    words = [" ".join(re.findall(r"\w+", word)) for word in query.split()]
    return [w for w in words if w][:MAX_TERMS]


def _snippet(text: str, terms: list[str]) -> SafeString:
    """Up to SNIPPET_CONTEXT characters either side of the first match, the match marked."""
    lowered = text.lower()
    found = [(lowered.find(t.lower()), t) for t in terms]
    found = [(i, t) for i, t in found if i >= 0]
    if not found:
        return escape(
            text[: 2 * SNIPPET_CONTEXT] + ("…" if len(text) > 2 * SNIPPET_CONTEXT else "")
        )
    index, term = min(found)
    start = max(0, index - SNIPPET_CONTEXT)
    end = min(len(text), index + len(term) + SNIPPET_CONTEXT)
    return mark_safe(  # noqa: S308 - every piece is escaped
        ("…" if start else "")
        + escape(text[start:index])
        + "<mark>"
        + escape(text[index : index + len(term)])
        + "</mark>"
        + escape(text[index + len(term) : end])
        + ("…" if end < len(text) else "")
    )


def lesson_search(*, user, query: str) -> tuple[list[LessonHit], int]:
    """The best MAX_RESULTS lessons of the user's courses matching every word of `query`, and
    how many match in all."""
    terms = _terms(query)
    if not terms:
        return [], 0
    courses = {
        e.course.path: e.course
        for e in Enrolment.objects.filter(trainee=user, course__live=True).select_related("course")
    }
    if not courses:
        return [], 0
    modules = {
        m.path: m
        for m in ModulePage.objects.live().filter(
            reduce(or_, [Q(path__startswith=c.path, depth=c.depth + 1) for c in courses.values()])
        )
    }
    if not modules:
        return [], 0
    lessons = (
        LessonPage.objects.live()
        .filter(retired=False)
        .select_related("locale")
        .filter(reduce(or_, [Q(path__startswith=path) for path in modules]))
    )
    search = reduce(and_, [Phrase(search_spaced(term)) for term in terms])
    results = lessons.search(search)
    total = results.count()
    hits = []
    for lesson in results[:MAX_RESULTS]:
        module = modules.get(lesson.path[: -Page.steplen])
        course = courses.get(lesson.path[: -2 * Page.steplen])
        if module is None or course is None:  # not a direct child of a module
            continue
        text = " ".join(" ".join([lesson.summary, plain_text(lesson.body)]).split())
        hits.append(
            LessonHit(page=lesson, course=course, module=module, snippet=_snippet(text, terms))
        )
    return hits, total


@never_cache
@trainee_required
def search(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    hits, total = lesson_search(user=request.user, query=query) if query else ([], 0)
    return render(
        request,
        "training/search.html",
        {
            "query": query,
            "searched": bool(query),
            "usable": bool(_terms(query)),
            "hits": hits,
            "total": total,
            "shown": len(hits),
        },
    )
