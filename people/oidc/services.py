"""The write of a company sign-in: find the user by (issuer, subject), or link or create one,
then bring what the claims manage up to date, with the audit record."""

import logging
import unicodedata

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.audit import audit_record
from people.models import Cohort, ExternalIdentity, Profile, Store, User
from people.oidc.claims import (
    ADMIN,
    claim_list,
    claim_text,
    default_role,
    mapped_roles,
    role_map_parse,
)
from people.services import user_create, user_roles_audit, user_roles_of

LOGGER = logging.getLogger(__name__)


def _username_for(claims: dict) -> str:
    """A new, unique user name: the e-mail's local part (or "sso") and a random tail."""
    email = claim_text(claims, settings.OIDC_CLAIM_EMAIL)
    stem = "".join(c for c in email.partition("@")[0] if c.isalnum() or c in "._-")[:100]
    while True:
        username = f"{stem or 'sso'}.{get_random_string(6).lower()}"
        if not User.objects.filter(username=username).exists():
            return username


def _user_by_email(email: str) -> User | None:
    """The one local account with this address not linked yet; never an administrator's
    (whoever controls the address at the provider would get the admin role)."""
    users = list(
        User.objects.filter(
            email__iexact=email, external_identities__isnull=True, is_superuser=False
        )[:2]
    )
    return users[0] if len(users) == 1 else None


def _employee_number_free(number: str, user: User | None) -> bool:
    taken = Profile.objects.filter(employee_number=number)
    if user is not None:
        taken = taken.exclude(user=user)
    return not taken.exists()


def _roles_apply(user: User, claims: dict) -> None:
    """With a role map, the mapped roles follow the claim (added and taken away); roles the
    map does not name stay as given here. Without a map the claim changes nothing."""
    role_map = role_map_parse(settings.OIDC_ROLE_MAP)
    if not role_map:
        return
    before = user_roles_of(user)
    granted = mapped_roles(claims, settings.OIDC_CLAIM_ROLES, role_map)
    managed = set(role_map.values())
    for name in managed - {ADMIN}:
        group = Group.objects.get(name=name)
        if name in granted:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    if ADMIN in managed:
        user.is_superuser = user.is_staff = ADMIN in granted
        user.save(update_fields=["is_superuser", "is_staff"])
    user._role_names = None
    user_roles_audit(actor=None, user=user, before=before)


def _profile_apply(user: User, claims: dict) -> None:
    """The e-mail address, employee number, store and cohorts the claims give (when their
    claim names are configured); the printed name only at creation (it is corrected here)."""
    profile = user.profile
    email = claim_text(claims, settings.OIDC_CLAIM_EMAIL)
    if email and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    number = claim_text(claims, settings.OIDC_CLAIM_EMPLOYEE_NUMBER)[:32]
    if number and number != profile.employee_number:
        if _employee_number_free(number, user):
            profile.employee_number = number
            profile.save(update_fields=["employee_number"])
        else:
            LOGGER.warning("OIDC: employee number %s already belongs to another user", number)
    store_code = claim_text(claims, settings.OIDC_CLAIM_STORE)
    if store_code:
        store = Store.objects.filter(code=store_code).first()
        if store is not None and profile.store_id != store.pk:
            profile.store = store
            profile.save(update_fields=["store"])
    codes = claim_list(claims, settings.OIDC_CLAIM_COHORTS)
    if codes:
        profile.cohorts.add(*Cohort.objects.filter(code__in=codes))


def _identity_create(*, issuer: str, subject: str, claims: dict) -> ExternalIdentity | None:
    """Link the first sign-in of (issuer, subject) to a user: an existing local account by
    its verified e-mail address (OIDC_MATCH_EMAIL only), else a new account (unless
    OIDC_CREATE_USER is off). Audited."""
    email = claim_text(claims, settings.OIDC_CLAIM_EMAIL)
    user = None
    if settings.OIDC_MATCH_EMAIL and email and claims.get("email_verified") is True:
        user = _user_by_email(email)
    created = user is None
    if created:
        if not settings.OIDC_CREATE_USER:
            return None
        name = claim_text(claims, settings.OIDC_CLAIM_NAME) or email or subject
        number = claim_text(claims, settings.OIDC_CLAIM_EMPLOYEE_NUMBER)[:32]
        user = user_create(
            username=_username_for(claims),
            password=None,
            full_name=unicodedata.normalize("NFC", name)[:100],
            email=email,
            role=default_role(settings.OIDC_DEFAULT_ROLE),
            employee_number=number if number and _employee_number_free(number, None) else "",
        )
    elif settings.OIDC_DISABLE_LOCAL_PASSWORDS:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    audit_record(
        actor=user,
        action="user.sso_linked",
        obj=user,
        summary=f"{user.printed_name} ({user.username}): {issuer} {subject}",
        data={"issuer": issuer, "subject": subject, "created": created},
    )
    return identity


def _identity_of(issuer: str, subject: str) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )


@transaction.atomic
def oidc_user_sign_in(*, issuer: str, claims: dict) -> User | None:
    """The user these verified claims sign in, or None (no such user and none may be
    created, or the account is switched off). Matched by (issuer, subject claim) only; an
    existing local account is linked by its e-mail address only when OIDC_MATCH_EMAIL is on
    and the provider says the address is verified."""
    subject = claim_text(claims, settings.OIDC_CLAIM_SUBJECT)
    if not subject or not issuer:
        return None
    identity = _identity_of(issuer, subject)
    if identity is None:
        try:
            with transaction.atomic():
                identity = _identity_create(issuer=issuer, subject=subject, claims=claims)
        except IntegrityError:  # the same person's first sign-in in another tab won
            identity = _identity_of(issuer, subject)
        if identity is None:
            return None
    user = identity.user
    if not user.is_active:
        return None
    if not hasattr(user, "profile"):
        Profile.objects.create(user=user, full_name=user.get_full_name() or user.username)
    _profile_apply(user, claims)
    _roles_apply(user, claims)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return user


def user_is_sso_only(user: User) -> bool:
    """Whether the local password log-in is switched off for this user."""
    return bool(
        settings.OIDC_ENABLED
        and settings.OIDC_DISABLE_LOCAL_PASSWORDS
        and user.external_identities.exists()
    )
