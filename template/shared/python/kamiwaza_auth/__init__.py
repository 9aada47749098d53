"""Session, identity and token helpers for FastAPI backends of Kamiwaza extensions.

Kamiwaza puts a forward-auth proxy in front of every extension. The proxy
signs the user in, passes the user's identity as `x-user-*` headers and the
session as the `access_token` cookie (with `access_token_refresh` beside it).
This package reads those, refreshes access tokens before they expire, and
offers the `/session`, `/auth/login-url` and `/auth/logout` endpoints that
the `@kamiwaza/auth` frontend helpers call.
"""

from .config import AuthConfig
from .identity import Identity, get_identity, require_auth
from .session import create_session_router
from .tokens import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    REFRESH_MARGIN_SECONDS,
    RefreshError,
    decode_claims,
    ensure_fresh_token,
    extract_token,
    forward_auth_headers,
    needs_refresh,
    refresh_access_token,
)

__all__ = [
    "ACCESS_COOKIE",
    "REFRESH_COOKIE",
    "REFRESH_MARGIN_SECONDS",
    "AuthConfig",
    "Identity",
    "RefreshError",
    "create_session_router",
    "decode_claims",
    "ensure_fresh_token",
    "extract_token",
    "forward_auth_headers",
    "get_identity",
    "needs_refresh",
    "refresh_access_token",
    "require_auth",
]
