"""Open Badges 3.0 credentials for certificates, signed as VC-JWT (RS256) with the
organisation's key. The public keys are published as a JWK set at /verify/keys.json; the
status of a credential is read live at /verify/status/<code>.json.

The credential carries nothing derived from the holder's name: the subject is a per-certificate
`urn:uuid:` computed with an HMAC keyed by the server's secret from the certificate's random
verification code, so it can neither be reversed to a name nor recomputed outside the server.
Only valid (or expired) certificates are signed: a revoked or superseded one is refused with its
status (`credential_refusal`), and its status endpoint says so for credentials already out."""

import time
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from assessments.models.certificates import Certificate, CertificateSigningKey
from assessments.selectors.certificates import (
    VerifyState,
    absolute_url,
    certificate_replacement,
    certificate_state,
    design_load,
)

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ALGORITHM = "RS256"


def key_generate() -> tuple[str, dict, dict]:
    """A new RSA key: (kid, private JWK, public JWK)."""
    key = RSAKey.generate_key(2048, auto_kid=True)
    kid = key.kid
    private = {**key.as_dict(private=True), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    return kid, private, public


def signing_key_active() -> CertificateSigningKey | None:
    return CertificateSigningKey.objects.filter(retired_at__isnull=True).order_by("-pk").first()


def public_key_set() -> dict:
    return {"keys": [key.public_jwk for key in CertificateSigningKey.objects.order_by("-pk")]}


def issuer_profile() -> dict:
    design = design_load()
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": absolute_url("verify:issuer"),
        "type": ["Profile"],
        "name": f"{design.organisation_name_zh} {design.organisation_name_en}".strip(),
        "url": settings.SITE_BASE_URL.rstrip("/") + "/",
        "description": (
            "Organisational training and assessment referenced to iCAP competency units; "
            "not a government certification."
        ),
    }


SUBJECT_HMAC_SALT = "assessments.badges.credential-subject"


def credential_subject_id(certificate: Certificate) -> str:
    """A random-looking, stable `urn:uuid:` (RFC 9562 version 8) for the certificate's holder
    in this one credential: HMAC-SHA256 keyed by the server secret over the certificate's
    192-bit random verification code. No name goes in, so none can come out. Every
    certificate, old or new, has one without a migration; rotating DJANGO_SECRET_KEY changes
    it in credentials signed afterwards (those already out keep theirs and still verify)."""
    digest = bytearray(
        salted_hmac(SUBJECT_HMAC_SALT, certificate.verification_code, algorithm="sha256").digest()[
            :16
        ]
    )
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8: custom
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    return uuid.UUID(bytes=bytes(digest)).urn


def credential_build(certificate: Certificate) -> dict:
    """The Open Badges 3.0 credential (JSON-LD) of one certificate."""
    unit = certificate.unit
    code = certificate.verification_code
    achievement = {
        "id": absolute_url("verify:achievement", unit_code=unit.code),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": f"{unit.code} {unit.title}",
        "description": (
            f"Assessed as competent against iCAP unit {unit.code} "
            f"({unit.title_en or unit.title}), level {unit.level or '-'}. "
            "Organisational assessment, not a government certification."
        ),
        "criteria": {
            "narrative": "; ".join(f"{t.code} {t.title}" for t in unit.tasks.order_by("sort_order"))
            or unit.title
        },
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": unit.title,
                "targetCode": unit.code,
                "targetFramework": unit.framework_name or "iCAP",
                "targetType": "ceterms:Competency",
                "targetUrl": unit.source_url
                or absolute_url("verify:achievement", unit_code=unit.code),
            }
        ],
    }
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": absolute_url("verify:certificate", code=code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.number} {unit.code}",
        "issuer": issuer_profile(),
        "validFrom": certificate.issued_at.isoformat(),
        "credentialSubject": {
            "id": credential_subject_id(certificate),
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": absolute_url("verify:status", code=code),
            "type": "1EdTechRevocationList",
        },
    }
    if certificate.expires_on:
        credential["validUntil"] = f"{certificate.expires_on.isoformat()}T23:59:59+08:00"
    return credential


SIGNABLE_STATES = (VerifyState.VALID, VerifyState.EXPIRED)


def credential_refusal(certificate: Certificate) -> str | None:
    """The state that forbids signing a new credential (revoked, superseded), or None. An
    expired certificate is still signed: its `exp` claim tells verifiers it has lapsed."""
    state = certificate_state(certificate)
    return None if state in SIGNABLE_STATES else state


class CredentialRefused(Exception):
    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def credential_sign(certificate: Certificate, key: CertificateSigningKey) -> str:
    """VC-JWT: the credential in the `vc` claim, with the registered claims OB 3.0 names.
    Raises CredentialRefused for a revoked or superseded certificate: a freshly signed,
    valid-looking JWT of one would mislead any verifier that does not check the status."""
    refused = credential_refusal(certificate)
    if refused is not None:
        raise CredentialRefused(refused)
    credential = credential_build(certificate)
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(certificate.issued_at.timestamp()),
        "iat": int(time.time()),
        "vc": credential,
    }
    if certificate.expires_on:
        claims["exp"] = int(
            timezone.make_aware(
                timezone.datetime.combine(certificate.expires_on, timezone.datetime.max.time())
            ).timestamp()
        )
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
    return jwt.encode(header, claims, RSAKey.import_key(key.private_jwk), algorithms=[ALGORITHM])


def credential_verify(token: str, key_set: dict) -> dict:
    """Decode a VC-JWT against a published key set; raises on a bad signature."""
    token_obj = jwt.decode(token, KeySet.import_key_set(key_set), algorithms=[ALGORITHM])
    return token_obj.claims


def credential_status(certificate: Certificate) -> dict:
    state = certificate_state(certificate)
    status = {
        "id": absolute_url("verify:status", code=certificate.verification_code),
        "credential": absolute_url("verify:certificate", code=certificate.verification_code),
        "status": state,
        "revoked": state in (VerifyState.REVOKED, VerifyState.SUPERSEDED),
        "checkedAt": timezone.now().isoformat(),
    }
    if state == VerifyState.REVOKED:
        status["revokedAt"] = certificate.status_changed_at.isoformat()
        if certificate.status_reason_public:
            status["revocationReason"] = certificate.status_reason
    if state == VerifyState.SUPERSEDED:
        replacement = certificate_replacement(certificate)
        if replacement:
            status["replacedBy"] = absolute_url(
                "verify:certificate", code=replacement.verification_code
            )
    return status
