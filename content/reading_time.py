"""Estimated reading time of a lesson, CJK-aware. Pure: no database.

Chinese, Japanese and Korean text has no spaces between words, so counting words would
make a 3,000-character Chinese lesson look like a one-minute read. Characters of those
scripts are counted one by one at CJK_CHARS_PER_MINUTE; other text is counted in words at
WORDS_PER_MINUTE. Learning text is read more slowly than news, hence the modest rates."""

import math
import re
from collections.abc import Iterable, Mapping

from django.utils.html import strip_tags

CJK_CHARS_PER_MINUTE = 300
WORDS_PER_MINUTE = 180

_CJK = re.compile(
    "["
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # Extensions B-G (e.g. 𠮷)
    "]"
)
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.,-][A-Za-z0-9\u00c0-\u024f]+)*")


def reading_minutes(text: str) -> int:
    """Whole minutes (at least 1) to read `text`."""
    text = text or ""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))


def plain_text(value) -> str:
    """All the readable text in a StreamField value (or any nested block value): rich text
    without its tags, strings, lists and struct values, depth first."""
    parts: list[str] = []
    _collect(value, parts)
    return "\n".join(p for p in parts if p)


def _collect(value, parts: list[str]) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    source = getattr(value, "source", None)  # wagtail.rich_text.RichText
    if isinstance(source, str):
        parts.append(strip_tags(source))
        return
    if isinstance(value, str):
        parts.append(strip_tags(value))
        return
    inner = getattr(value, "value", None)  # StreamChild / ListValue.ListChild
    if inner is not None and hasattr(value, "block"):
        _collect(inner, parts)
        return
    if isinstance(value, Mapping):
        for item in value.values():
            _collect(item, parts)
        return
    if isinstance(value, Iterable):
        for item in value:
            _collect(item, parts)
