"""A live lesson's body rendered once per published version and language, then read from the
shared cache: rendering a StreamField (rich text with its links and images, the blocks'
templates) is most of a lesson page's time, and it is the same for every learner. The key
belongs to the page tree's version (content/tree_cache.py), which publishing bumps; previews
(a draft shown to a trainer) are always rendered afresh. The blocks' templates read nothing
about the request or the user, so one rendering serves everyone."""

from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from content.tree_cache import tree_cached


def body_blocks(page, request) -> list[tuple[str, str]]:
    """(block type, HTML) for each block of `page.body`."""
    if getattr(request, "is_preview", False) or not page.live:
        return _render(page)
    blocks = tree_cached(
        "body",
        page.pk,
        page.latest_revision_id,
        get_language(),
        build=lambda: [(kind, str(html)) for kind, html in _render(page)],
    )
    return [(kind, mark_safe(html)) for kind, html in blocks]  # noqa: S308 - rendered by us


def _render(page) -> list[tuple[str, str]]:
    return [(block.block_type, block.render(context={"block_id": block.id})) for block in page.body]
