"""The signed-in user, as the forward-auth proxy reports it in headers."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException, Request

USER_ID_HEADER = "x-user-id"
EMAIL_HEADER = "x-user-email"
NAME_HEADER = "x-user-name"
ROLES_HEADER = "x-user-roles"
REQUEST_ID_HEADER = "x-request-id"


@dataclass(frozen=True)
class Identity:
    """A user as the proxy reports it; every field is empty when nobody is signed in."""

    user_id: str = ""
    email: str = ""
    name: str = ""
    roles: list[str] = field(default_factory=list)
    request_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user_id and self.email)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


def get_identity(request: Request) -> Identity:
    """Read the identity from the `x-user-*` headers of a request.

    `x-user-roles` is a comma-separated list; blanks are dropped.
    """
    headers = request.headers
    roles = [role.strip() for role in headers.get(ROLES_HEADER, "").split(",") if role.strip()]
    return Identity(
        user_id=headers.get(USER_ID_HEADER, ""),
        email=headers.get(EMAIL_HEADER, ""),
        name=headers.get(NAME_HEADER, ""),
        roles=roles,
        request_id=headers.get(REQUEST_ID_HEADER),
    )


def require_auth(request: Request) -> Identity:
    """FastAPI dependency: the identity, or a 401 when nobody is signed in."""
    identity = get_identity(request)
    if not identity.is_authenticated:
        raise HTTPException(status_code=401, detail={"error": "session_expired", "message": "sign in again"})
    return identity
