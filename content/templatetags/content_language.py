"""`{% in_language text lang as name %}`: course text quoted inside a translated sentence
("Talking with: {{ name }}", "You said: “{{ text }}”") in a span marked with the language it
is written in, so that under the English interface a screen reader reads it with a Chinese
voice and the browser picks Chinese glyphs. The span is built (and the text escaped) here;
`{% blocktranslate with name=name %}` does not escape it again, so the msgids stay as they
are."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def in_language(text, lang: str) -> str:
    return format_html('<span lang="{}">{}</span>', lang, text)
