"""The rate limit of the public certificate lookups (/verify/): a fixed window per client,
counted in the shared database so that every app server sees the same count."""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models.certificates import VerifyRateCounter

VERIFY_RATE_LIMIT = 30  # lookups per client per window (override: CERTIFICATE_VERIFY_RATE_LIMIT)
VERIFY_RATE_WINDOW = 600  # seconds (override: CERTIFICATE_VERIFY_RATE_WINDOW)


def verify_rate_hit(*, client_address: str) -> bool:
    """Count one certificate lookup for this client; False once over the limit. The client
    is stored only as a keyed hash; old windows are deleted as new ones start."""
    limit = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT)
    window = getattr(settings, "CERTIFICATE_VERIFY_RATE_WINDOW", VERIFY_RATE_WINDOW)
    now = timezone.now()
    start = datetime.datetime.fromtimestamp(
        int(now.timestamp()) // window * window, tz=datetime.UTC
    )
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address}".encode()).hexdigest()[:40]
    with transaction.atomic():
        counter, created = VerifyRateCounter.objects.get_or_create(key=key, window_start=start)
        if created:
            VerifyRateCounter.objects.filter(window_start__lt=start).delete()
        VerifyRateCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        count = VerifyRateCounter.objects.filter(pk=counter.pk).values_list("count", flat=True)[0]
    return count <= limit
