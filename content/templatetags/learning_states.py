"""`{% state_badge state %}`: a learner's state of a module or activity (done, in progress,
not started) as a badge with a symbol and a word, never colour alone. The course outline
draws one per activity: a tag, not an include with its own template and context each time."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def state_badge(state: str) -> str:
    if state == "done":
        return format_html('<span class="state state-done">✓ {}</span>', gettext("Done"))
    if state == "in_progress":
        return format_html('<span class="state state-progress">◐ {}</span>', gettext("In progress"))
    return format_html('<span class="state state-todo">○ {}</span>', gettext("Not started"))
