"""The demo programme pack 「好生活會員方案手冊」 as a downloadable Wagtail Document.

The pack's one source is its lesson in content/demo/data/course.yaml (slug PACK_SLUG, in the
first module): this module renders that lesson's blocks to HTML, turns the HTML into a PDF
through core.pdf (the only WeasyPrint entry point) and keeps one Document titled PACK_TITLE.
Lessons link to it by writing `href="#programme-pack-document"` in their rich text; the course
loader swaps that for a Wagtail document link (`link_to_pack`).

Idempotent: the file name carries a hash of the rendered HTML, so loading twice keeps the one
Document and renders the PDF again only when the pack's text changed."""

import hashlib
import re

from django.core.files.base import ContentFile
from django.utils.html import escape
from wagtail.documents import get_document_model

from core.pdf import html_to_pdf

PACK_SLUG = "programme-pack"
PACK_TITLE = "好生活會員方案手冊"
PACK_FILE_STEM = "haoshenghuo-programme-pack"
PACK_LINK = 'href="#programme-pack-document"'

_ANCHOR = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)
_SELF_LINK_PARAGRAPH = re.compile(
    r"<p>(?:(?!</p>).)*#programme-pack-document(?:(?!</p>).)*</p>", re.S
)

_STYLE = """
@page { size: A4; margin: 18mm 16mm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: "Noto Sans CJK TC", "Noto Sans TC", sans-serif; font-size: 10.5pt;
       line-height: 1.55; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
dt { font-weight: bold; margin-top: 2mm; }
dd { margin: 0 0 0 6mm; }
.note { font-size: 9pt; color: #555; }
"""


def find_pack_lesson(data: dict) -> dict | None:
    """The pack lesson's spec in the course YAML, or None when the course has none."""
    for module in data.get("modules") or []:
        for lesson in module.get("lessons") or []:
            if lesson.get("slug") == PACK_SLUG:
                return lesson
    return None


def pack_html(lesson: dict) -> str:
    """The pack lesson as a standalone HTML page for the PDF (self-checks left out: they are
    exercises, not part of the pack)."""
    parts = [f"<h1>{escape(PACK_TITLE)}</h1>"]
    if lesson.get("summary"):
        parts.append(f'<p class="note">{escape(lesson["summary"])}</p>')
    for block in lesson.get("body") or []:
        kind, value = block.get("type"), block.get("value")
        if kind == "rich_text":  # the pack does not offer itself for download
            parts.append(_ANCHOR.sub(r"\1", _SELF_LINK_PARAGRAPH.sub("", value)))
        elif kind == "heading":
            parts.append(f"<h2>{escape(value['text'])}</h2>")
        elif kind == "callout":
            body = _ANCHOR.sub(r"\1", value["body"])
            parts.append(f"<h3>{escape(value['title'])}</h3>{body}")
        elif kind == "key_terms":
            terms = "".join(
                f"<dt>{escape(t['term'])}</dt><dd>{escape(t['definition'])}</dd>"
                for t in value["terms"]
            )
            parts.append(f"<dl>{terms}</dl>")
        elif kind == "procedure":
            steps = "".join(f"<li>{escape(step)}</li>" for step in value["steps"])
            parts.append(f"<h3>{escape(value['title'])}</h3><ol>{steps}</ol>")
    parts.append('<p class="note">本手冊為教學用的虛構方案，店名、人物與數字皆為課程範例。</p>')
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8">'
        f"<title>{escape(PACK_TITLE)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def pack_document_ensure(lesson: dict):
    """The one Document holding the pack's PDF: created, or its file replaced when the pack's
    text changed. Returns the Document."""
    html = pack_html(lesson)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:12]
    stem = f"{PACK_FILE_STEM}-{digest}"
    Document = get_document_model()
    document = Document.objects.filter(title=PACK_TITLE).order_by("pk").first()
    # The storage may add a suffix when another database's copy holds the name already.
    if document is not None and document.filename.startswith(stem):
        return document
    content = ContentFile(html_to_pdf(html), name=f"{stem}.pdf")
    if document is None:
        document = Document(title=PACK_TITLE)
    else:
        document.file.delete(save=False)
    document.file = content
    document._set_document_file_metadata()
    document.save()
    return document


def link_to_pack(html: str, document) -> str:
    """Rich text with the pack placeholder link turned into a Wagtail document link."""
    return html.replace(PACK_LINK, f'linktype="document" id="{document.pk}"')
