"""The organisation's key that signs Open Badges credentials: created once, rotated on
request; retired keys stay published so that older credentials still verify."""

from django.db import transaction
from django.utils import timezone

from assessments import badges
from assessments.models.certificates import CertificateSigningKey


@transaction.atomic
def certificate_signing_key_create(*, rotate: bool = False) -> CertificateSigningKey:
    """Create the organisation's signing key if there is none; with `rotate`, retire the
    current one (it stays published) and create a new one."""
    current = badges.signing_key_active()
    if current is not None and not rotate:
        return current
    if current is not None:
        CertificateSigningKey.objects.filter(retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
    kid, private, public = badges.key_generate()
    return CertificateSigningKey.objects.create(kid=kid, private_jwk=private, public_jwk=public)
