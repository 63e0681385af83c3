"""Demo course loader: reads content/demo/data/course.yaml and builds, under the home page,
CourseIndexPage "courses" -> CoursePage -> ModulePages -> LessonPages, all published, with
the two-person review workflow on the course index.

Idempotent: pages are matched by slug under their parent; a page gets a new published
revision only when its content changed. Needs the competency unit named in the YAML
(KPS5R0821v2), imported first by the framework loader.

The programme pack: the lesson with slug `programme.PACK_SLUG` is also rendered to a PDF kept
as one Wagtail Document (content/demo/programme.py); rich text linking to
`#programme-pack-document` is turned into a link to that Document.

YAML format:
    course: {title, slug, unit, description (HTML), audience, estimated_minutes,
             allow_self_enrolment}
    modules:
      - {title, slug, intro (HTML), lessons: [
          {title, slug, summary, estimated_minutes, indicators: [T1.1], competency_items: [K5],
           body: [{type: rich_text, value: "<p>..</p>"}, ...]}]}
Block types and values: see content/blocks.py."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page

from content.demo import programme
from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.pages.course import CourseIndexPage, CoursePage, ModulePage
from content.pages.lesson import LessonPage
from content.services.review import review_workflow_ensure
from content.services.site import site_ensure_home

DATA = Path(__file__).resolve().parent / "data" / "course.yaml"
INDEX_SLUG = "courses"
INDEX_TITLE = "課程"
INDEX_INTRO = "<p>選擇一門課程開始學習。課程內容對應 iCAP 職能單元，屬於組織內部的培訓與評量。</p>"


class CourseDataError(ValueError):
    """The YAML does not describe a valid course; the message says where."""


def load(path: Path | str | None = None) -> None:
    load_course(path)


@transaction.atomic
def load_course(path: Path | str | None = None) -> CoursePage:
    source = Path(path) if path else DATA
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "course" not in data:
        raise CourseDataError(f"{source}: expected a mapping with 'course' and 'modules'.")
    home = site_ensure_home()
    index = _upsert(home, CourseIndexPage, INDEX_SLUG, {"title": INDEX_TITLE, "intro": INDEX_INTRO})
    review_workflow_ensure(page=index)  # under the two-person review; trainers author here
    review_workflow_ensure(page=index)

    spec = data["course"]
    unit = CompetencyUnit.objects.filter(code=spec["unit"]).first()
    if unit is None:
        raise CourseDataError(
            f"Unit {spec['unit']} is not imported yet: run the framework loader first."
        )
    course = _upsert(
        index,
        CoursePage,
        spec["slug"],
        {
            "title": spec["title"],
            "unit": unit,
            "description": spec.get("description", ""),
            "audience": spec.get("audience", ""),
            "estimated_minutes": int(spec.get("estimated_minutes") or 60),
            "allow_self_enrolment": bool(spec.get("allow_self_enrolment", False)),
        },
    )
    indicators = {i.code: i for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit=unit)}
    pack = programme.find_pack_lesson(data)
    document = programme.pack_document_ensure(pack) if pack else None
    for module_spec in data.get("modules") or []:
        module = _upsert(
            course,
            ModulePage,
            module_spec["slug"],
            {"title": module_spec["title"], "intro": module_spec.get("intro", "")},
        )
        for lesson_spec in module_spec.get("lessons") or []:
            _upsert_lesson(module, lesson_spec, indicators, items, document)
    return course


def _upsert(parent: Page, model, slug: str, fields: dict[str, Any]):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=slug, live=False, **fields)
        parent.add_child(instance=page)
        changed = True
    else:
        changed = any(getattr(page, name) != value for name, value in fields.items())
        for name, value in fields.items():
            setattr(page, name, value)
    if changed or not page.live or page.has_unpublished_changes:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def _upsert_lesson(
    module: ModulePage, spec: dict, indicators: dict, items: dict, document=None
) -> LessonPage:
    slug = spec["slug"]
    where = f"lesson {slug}"
    try:
        indicator_objs = [indicators[code] for code in spec.get("indicators") or []]
    except KeyError as error:
        raise CourseDataError(f"{where}: unknown indicator {error.args[0]}") from None
    try:
        item_objs = [items[code] for code in spec.get("competency_items") or []]
    except KeyError as error:
        raise CourseDataError(f"{where}: unknown knowledge/skill item {error.args[0]}") from None
    if spec.get("method"):
        raise CourseDataError(
            f"{where}: a lesson teaches and provides no evidence; remove its method"
        )
    blocks = spec.get("body") or []
    if document is not None:
        blocks = _map_strings(blocks, lambda text: programme.link_to_pack(text, document))
    body = lesson_body(blocks, where=where)

    page = LessonPage.objects.child_of(module).filter(slug=slug).first()
    fields = {
        "title": spec["title"],
        "summary": spec.get("summary", ""),
        "estimated_minutes": spec.get("estimated_minutes") or None,
    }
    stream_block = LessonPage._meta.get_field("body").stream_block
    new_raw = _strip_ids(stream_block.get_prep_value(body))
    if page is None:
        page = LessonPage(slug=slug, live=False, body=body, **fields)
        module.add_child(instance=page)
        changed = True
    else:
        changed = any(getattr(page, k) != v for k, v in fields.items())
        changed = changed or _strip_ids(stream_block.get_prep_value(page.body)) != new_raw
        changed = changed or {i.pk for i in page.indicators.all()} != {i.pk for i in indicator_objs}
        changed = changed or {i.pk for i in page.competency_items.all()} != {
            i.pk for i in item_objs
        }
        for name, value in fields.items():
            setattr(page, name, value)
        page.body = body
    page.indicators = indicator_objs
    page.competency_items = item_objs
    if changed or not page.live or page.has_unpublished_changes:
        page.save()
        page.save_revision().publish()
    return page


def lesson_body(blocks: list[dict], *, where: str = "lesson"):
    """YAML blocks -> a validated StreamValue. Errors name the lesson and block number."""
    stream_block = LessonPage._meta.get_field("body").stream_block
    raw = []
    for number, block in enumerate(blocks, start=1):
        if not isinstance(block, dict) or "type" not in block:
            raise CourseDataError(f"{where}, block {number}: expected {{type, value}}")
        kind = block["type"]
        if kind not in stream_block.child_blocks:
            raise CourseDataError(f"{where}, block {number}: unknown block type {kind!r}")
        value = block.get("value")
        if kind == "heading" and isinstance(value, dict) and "level" in value:
            value = {**value, "level": str(value["level"])}
        raw.append({"type": kind, "value": value})
    value = stream_block.to_python(raw)
    try:
        return stream_block.clean(value)
    except ValidationError as error:
        raise CourseDataError(f"{where}: {_describe(error)}") from None


def _describe(error: ValidationError) -> str:
    data = getattr(error, "as_json_data", None)
    if callable(data):
        return str(data())
    return "; ".join(error.messages)


def _map_strings(value, change):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    return value


def _strip_ids(value):
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    return value
