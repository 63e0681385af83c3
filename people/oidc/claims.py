"""What the provider's claims say about a person, read by the settings' claim names: pure
functions, no database."""

from people import roles

ADMIN = "admin"
ROLE_KEYS = {
    "trainee": roles.TRAINEE,
    "trainer": roles.TRAINER,
    "assessor": roles.ASSESSOR,
    "training_manager": roles.TRAINING_MANAGER,
    ADMIN: ADMIN,
}


def role_map_parse(text: str) -> dict[str, str]:
    """ "provider-group=role,..." -> {provider group: role group name or "admin"}. An unknown
    role is a configuration error (raised at the first sign-in, never silently ignored)."""
    mapping = {}
    for item in text.split(","):
        if not item.strip():
            continue
        group, sep, role = item.partition("=")
        key = role.strip().lower().replace(" ", "_")
        if not sep or not group.strip() or key not in ROLE_KEYS:
            raise ValueError(f"OIDC_ROLE_MAP: {item.strip()!r} is not <group>=<role>")
        mapping[group.strip()] = ROLE_KEYS[key]
    return mapping


def required_claims_parse(text: str) -> dict[str, str]:
    """ "claim=value,..." -> {claim: value}: claims the ID token must carry with exactly that
    value (Google Workspace: hd=example.com; Entra ID's multi-tenant endpoint: tid=...)."""
    required = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"OIDC_REQUIRED_CLAIMS: {item.strip()!r} is not <claim>=<value>")
        required[name.strip()] = value.strip()
    return required


def default_role(text: str) -> str | None:
    """OIDC_DEFAULT_ROLE -> the role group a new account gets (never the admin role)."""
    key = text.strip().lower().replace(" ", "_")
    if not key:
        return None
    if key not in ROLE_KEYS or key == ADMIN:
        raise ValueError(f"OIDC_DEFAULT_ROLE: {text!r} is not a role")
    return ROLE_KEYS[key]


def claim_text(claims: dict, name: str) -> str:
    if not name:
        return ""
    value = claims.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value).strip() if value is not None else ""


def claim_list(claims: dict, name: str) -> list[str]:
    if not name:
        return []
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def mapped_roles(claims: dict, claim_name: str, role_map: dict[str, str]) -> set[str]:
    """The roles (role group names, or "admin") the claim grants through the map."""
    return {role_map[group] for group in claim_list(claims, claim_name) if group in role_map}
