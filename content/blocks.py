"""StreamField blocks of a lesson. Block names are part of the demo YAML format
(content/demo/data/course.yaml), so they never change: rich_text, heading, image, video,
callout, key_terms, worked_example, case_study, self_check, document, procedure.

Each block has an icon, a description and a preview value for the admin's block picker, and
its own template under templates/content/blocks/."""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]
TEMPLATE = "content/blocks/{}.html"
PREVIEW_TEMPLATE = "content/blocks/preview.html"

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly player URL for a YouTube or Vimeo link (the only players our
    Content-Security-Policy frames), or None for anything else. Pure: no network call."""
    try:
        parsed = urlparse((url or "").strip())
    except ValueError:
        return None
    if parsed.scheme not in {"http", "https"}:
        return None
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host in {"vimeo.com", "player.vimeo.com"}:
        digits = [p for p in parsed.path.split("/") if p.isdigit()]
        return f"https://player.vimeo.com/video/{digits[0]}" if digits else None
    video_id = ""
    if host == "youtu.be":
        video_id = parsed.path.strip("/").split("/")[0]
    elif host in {"youtube.com", "youtube-nocookie.com"}:
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        else:
            parts = parsed.path.strip("/").split("/")
            if len(parts) >= 2 and parts[0] in {"embed", "shorts", "live"}:
                video_id = parts[1]
    if video_id and _YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None


class VideoURLBlock(blocks.URLBlock):
    """A YouTube or Vimeo address. Rendered as a youtube-nocookie / player.vimeo iframe
    without asking the provider anything at render time (no oEmbed network call)."""

    def clean(self, value):
        value = super().clean(value)
        if value and video_embed_url(value) is None:
            raise ValidationError(_("Enter a YouTube or Vimeo video address."))
        return value


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("2", _("Section heading (H2)")), ("3", _("Sub-heading (H3)"))],
        default="2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = TEMPLATE.format("heading")
        preview_template = PREVIEW_TEMPLATE
        description = _("A section heading that structures the lesson for screen readers.")
        preview_value = {"text": "九種常見的方案型態", "level": "2"}


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = TEMPLATE.format("image")
        preview_template = PREVIEW_TEMPLATE
        description = _("A picture with alternative text and an optional caption.")
        preview_value = {"caption": "門市兌換區的陳列範例"}


class VideoBlock(blocks.StructBlock):
    url = VideoURLBlock(label=_("video address (YouTube or Vimeo)"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("Video")
        template = TEMPLATE.format("video")
        preview_template = PREVIEW_TEMPLATE
        description = _("An embedded YouTube or Vimeo video with a caption.")
        preview_value = {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "caption": "影片說明",
        }


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("policy", _("Store policy"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("body"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = TEMPLATE.format("callout")
        preview_template = PREVIEW_TEMPLATE
        description = _("A highlighted tip, warning or store policy.")
        preview_value = {
            "kind": "tip",
            "title": "小提醒",
            "body": "<p>先弄清楚公司方案的條款，再向顧客說明。</p>",
        }


class KeyTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("term"), max_length=200)
    definition = blocks.TextBlock(label=_("definition"))

    class Meta:
        icon = "tag"
        label = _("Key term")


class KeyTermsBlock(blocks.StructBlock):
    terms = blocks.ListBlock(KeyTermBlock(), label=_("terms"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Key terms")
        template = TEMPLATE.format("key_terms")
        preview_template = PREVIEW_TEMPLATE
        description = _("A glossary of terms and their definitions.")
        preview_value = {
            "terms": [
                {"term": "點數卡", "definition": "每筆消費累積點數，達門檻後兌換。"},
                {"term": "分級會員", "definition": "依消費金額分級，等級越高權益越多。"},
            ]
        }


class WorkedExampleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    problem = blocks.RichTextBlock(label=_("problem"), features=RICH_TEXT_FEATURES)
    steps = blocks.ListBlock(blocks.TextBlock(label=_("step")), label=_("steps"), min_num=1)
    answer = blocks.TextBlock(label=_("answer"))

    class Meta:
        icon = "order"
        label = _("Worked example")
        template = TEMPLATE.format("worked_example")
        preview_template = PREVIEW_TEMPLATE
        # Shown as try-before-reveal: the trainee works the problem out first, then opens the
        # steps and the answer (templates/content/blocks/worked_example.html).
        description = _(
            "A problem the trainee tries first, then reveals solved step by step, e.g. "
            "computing a retention rate."
        )
        preview_value = {
            "title": "計算顧客留存率",
            "problem": "<p>期初 200 位會員，期末 210 位，其中 40 位是新會員。</p>",
            "steps": ["期末人數減新會員：210 − 40 = 170", "除以期初人數：170 ÷ 200 = 0.85"],
            "answer": "留存率為 85%。",
        }


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    situation = blocks.RichTextBlock(label=_("situation"), features=RICH_TEXT_FEATURES)
    questions = blocks.ListBlock(
        blocks.TextBlock(label=_("question")), label=_("questions to think about"), min_num=0
    )
    takeaway = blocks.RichTextBlock(
        label=_("takeaway"), features=RICH_TEXT_FEATURES, required=False
    )

    class Meta:
        icon = "doc-full"
        label = _("Case study")
        template = TEMPLATE.format("case_study")
        preview_template = PREVIEW_TEMPLATE
        description = _("A realistic store situation with questions and a takeaway.")
        preview_value = {
            "title": "社區烘焙坊的第一個會員方案",
            "situation": "<p>熟客很多，但沒有任何會員制度。</p>",
            "questions": ["你會先推出哪一種方案？為什麼？"],
            "takeaway": "<p>從簡單、低成本的方案開始。</p>",
        }


class SelfCheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False, default=False)
    feedback = blocks.TextBlock(label=_("feedback"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class SelfCheckBlock(blocks.StructBlock):
    """Formative and ungraded: the right answer is in the page so that feedback is instant."""

    question = blocks.TextBlock(label=_("question"))
    options = blocks.ListBlock(SelfCheckOptionBlock(), label=_("options"), min_num=2)

    class Meta:
        icon = "help"
        label = _("Self-check question")
        template = TEMPLATE.format("self_check")
        preview_template = PREVIEW_TEMPLATE
        description = _("A short ungraded question with instant feedback.")
        preview_value = {
            "question": "顧客先付年費換取一年免運，這屬於哪一種方案？",
            "options": [
                {"text": "付費會員", "correct": True, "feedback": "正確。"},
                {"text": "點數卡", "correct": False, "feedback": "點數卡不需先付費。"},
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if not any(option["correct"] for option in value["options"]):
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark at least one option correct."))}
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Downloadable document")
        template = TEMPLATE.format("document")
        preview_template = PREVIEW_TEMPLATE
        description = _("A file trainees can download, e.g. a form or a policy.")
        preview_value = {"title": "會員入會申請書"}


class ProcedureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    steps = blocks.ListBlock(blocks.TextBlock(label=_("step")), label=_("steps"), min_num=1)

    class Meta:
        icon = "tasks"
        label = _("Store procedure checklist")
        template = TEMPLATE.format("procedure")
        preview_template = PREVIEW_TEMPLATE
        description = _("The steps of a store procedure as a checklist.")
        preview_value = {
            "title": "結帳時使用會員掃描器",
            "steps": ["先詢問顧客是否為會員。", "掃描會員條碼並核對姓名。"],
        }


class RichTextParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = TEMPLATE.format("rich_text")
        preview_template = PREVIEW_TEMPLATE
        description = _("Paragraphs, lists and links.")
        preview_value = "<p>忠誠度方案是一套有系統地回饋重複消費的機制。</p>"


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = RichTextParagraphBlock(features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    key_terms = KeyTermsBlock()
    worked_example = WorkedExampleBlock()
    case_study = CaseStudyBlock()
    self_check = SelfCheckBlock()
    document = DocumentBlock()
    procedure = ProcedureBlock()

    class Meta:
        label = _("Lesson body")
