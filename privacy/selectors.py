"""Reads about a person's acknowledgement of the notice."""

from privacy.models import PrivacyAcknowledgement
from privacy.notice import NOTICE_VERSION


def has_acknowledged(user, version: str = NOTICE_VERSION) -> bool:
    return PrivacyAcknowledgement.objects.filter(user_id=user.pk, version=version).exists()


def latest_acknowledgement(user) -> PrivacyAcknowledgement | None:
    return (
        PrivacyAcknowledgement.objects.filter(user_id=user.pk)
        .order_by("-acknowledged_at", "-pk")
        .first()
    )
