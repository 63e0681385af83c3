"""For other apps' templates (the profile page) without importing the privacy app:
`{% load privacy_tags %}{% privacy_acknowledgement user as ack %}`."""

from django import template

from privacy.notice import NOTICE_VERSION
from privacy.selectors import latest_acknowledgement

register = template.Library()


@register.simple_tag
def privacy_acknowledgement(user):
    """The person's latest acknowledgement of the notice (None if never), with
    `is_current` telling whether it is of the current version."""
    if not getattr(user, "is_authenticated", False):
        return None
    ack = latest_acknowledgement(user)
    if ack is not None:
        ack.is_current = ack.version == NOTICE_VERSION
    return ack
