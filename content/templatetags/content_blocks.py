from django import template

from content.blocks import video_embed_url

register = template.Library()


@register.filter
def video_embed(url: str) -> str:
    return video_embed_url(url or "") or ""
