"""The list markers of the iCAP export that become codes: Chinese numerals (一、), numbers
(1.), numbers in brackets ((1)) and note labels (【註1】), and reading Chinese numerals."""

from __future__ import annotations

import re

CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
HEADING_RE = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]+)\s*、\s*(?P<text>.*)$", re.S)
NUMBERED_RE = re.compile(r"^\s*(?P<num>\d+)\s*[.．、]\s*(?P<text>.*)$", re.S)
PAREN_RE = re.compile(r"^\s*[(（]\s*(?P<num>\d+)\s*[)）]\s*(?P<text>.*)$", re.S)
NOTE_RE = re.compile(r"^\s*【\s*(?P<label>[^】]+?)\s*】\s*(?P<text>.*)$", re.S)


def chinese_number(text: str) -> int | None:
    """一..九 -> 1..9, 十 -> 10, 十一 -> 11, 二十三 -> 23."""
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text] if len(text) == 1 else None
    tens, _sep, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)
