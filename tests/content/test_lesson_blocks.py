"""Lesson blocks and reading time: pure logic, plus the admin's block previews."""

import pytest

from content.blocks import LessonBodyBlock, video_embed_url
from content.reading_time import plain_text, reading_minutes


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://example.com/video.mp4", None),
        ("javascript:alert(1)", None),
        ("https://www.youtube.com/watch?v=<script>", None),
    ],
)
def test_video_embed_url(url, expected):
    assert video_embed_url(url) == expected


def test_reading_time_counts_chinese_characters_not_words():
    # 900 Chinese characters with no spaces: three minutes at 300 characters a minute.
    assert reading_minutes("顧" * 900) == 3
    # 360 English words: two minutes at 180 words a minute.
    assert reading_minutes("word " * 360) == 2
    assert reading_minutes("") == 1
    assert reading_minutes("𠮷" * 301) == 2  # characters outside the BMP count too


def test_plain_text_reads_nested_blocks():
    block = LessonBodyBlock()
    value = block.to_python(
        [
            {"type": "rich_text", "value": "<p>甲<strong>乙</strong></p>"},
            {"type": "key_terms", "value": {"terms": [{"term": "丙", "definition": "丁"}]}},
            {
                "type": "self_check",
                "value": {
                    "question": "戊",
                    "options": [{"text": "己", "correct": True, "feedback": "庚"}],
                },
            },
        ]
    )
    text = plain_text(value)
    for char in "甲乙丙丁戊己庚":
        assert char in text
    assert "<strong>" not in text


def test_every_block_has_icon_description_preview_and_template():
    block = LessonBodyBlock()
    expected = {
        "rich_text",
        "heading",
        "image",
        "video",
        "callout",
        "key_terms",
        "worked_example",
        "case_study",
        "self_check",
        "document",
        "procedure",
    }
    assert set(block.child_blocks) == expected
    for name, child in block.child_blocks.items():
        assert child.meta.icon and child.meta.icon != "placeholder", name
        assert child.get_description(), name
        assert child.meta.template == f"content/blocks/{name}.html", name
        assert child.is_previewable, name


def test_every_block_preview_value_renders():
    block = LessonBodyBlock()
    for name, child in block.child_blocks.items():
        value = child.get_preview_value()
        html = child.render(value)
        assert html is not None, name
        if name not in {"image", "document"}:  # these need a stored file to show anything
            assert html.strip(), name
