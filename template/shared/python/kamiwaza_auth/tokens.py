"""Access tokens: where a request carries them, when they expire, how to refresh them.

Kamiwaza access tokens are JWTs that live about five minutes. The browser
holds the token in the `access_token` cookie and the refresh token in
`access_token_refresh`. A backend that calls Kamiwaza for the user, or hands
the token to a background job, refreshes it when less than
`REFRESH_MARGIN_SECONDS` remain: `POST {KAMIWAZA_API_URI}/auth/refresh`
with the refresh token sent as the `refresh_token` cookie answers JSON with
a new `access_token`.

Claims are decoded without checking the signature: the proxy in front of
the extension has already verified the token, and the backend only needs
the expiry time.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import Request

from .config import AuthConfig

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "access_token_refresh"
REFRESH_MARGIN_SECONDS = 60

# Headers a backend passes on when it calls Kamiwaza for the user.
_FORWARDED_HEADERS = (
    "authorization",
    "cookie",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-forwarded-uri",
    "x-forwarded-prefix",
    "x-real-ip",
    "x-original-url",
    "x-request-id",
)


class RefreshError(Exception):
    """Kamiwaza did not issue a new access token."""


def _token_from_cookie_header(cookie_header: str) -> str | None:
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == ACCESS_COOKIE and value:
            return value
    return None


def _bearer(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def extract_token(request: Request) -> str | None:
    """The access token of a request: the `access_token` cookie, else a
    `Authorization: Bearer` header, else None."""
    return request.cookies.get(ACCESS_COOKIE) or _bearer(request.headers.get("authorization", ""))


def decode_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified; an empty dict when the token is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def expires_at(token: str) -> float | None:
    """The `exp` claim as Unix time in seconds, or None when the token has none."""
    expiry = decode_claims(token).get("exp")
    return float(expiry) if isinstance(expiry, (int, float)) else None


def needs_refresh(token: str, now: float | None = None, margin: float = REFRESH_MARGIN_SECONDS) -> bool:
    """Whether the token expires within `margin` seconds. A token without
    a readable expiry is never refreshed."""
    expiry = expires_at(token)
    if expiry is None:
        return False
    return expiry - (time.time() if now is None else now) < margin


async def refresh_access_token(
    refresh_token: str,
    config: AuthConfig | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> str:
    """Ask Kamiwaza for a new access token; raises `RefreshError` on failure."""
    config = config or AuthConfig.from_env()
    url = f"{config.refresh_api_url}/auth/refresh"
    async with httpx.AsyncClient(
        transport=transport, verify=config.verify_tls, timeout=config.timeout_seconds
    ) as client:
        try:
            response = await client.post(url, headers={"cookie": f"refresh_token={refresh_token}"})
        except httpx.HTTPError as error:
            raise RefreshError(f"refresh request to {url} failed: {error}") from error
    if response.status_code != 200:
        raise RefreshError(f"refresh request to {url} failed with HTTP {response.status_code}")
    try:
        access_token = response.json().get("access_token")
    except ValueError as error:
        raise RefreshError(f"refresh response from {url} is not JSON") from error
    if not isinstance(access_token, str) or not access_token:
        raise RefreshError(f"refresh response from {url} has no access_token")
    return access_token


async def ensure_fresh_token(
    request: Request,
    config: AuthConfig | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    now: float | None = None,
) -> tuple[str | None, bool]:
    """The request's access token, refreshed first when it expires within
    `REFRESH_MARGIN_SECONDS` and the request carries a refresh token.

    Returns `(token, refreshed)`. A failed refresh raises `RefreshError`;
    the caller decides whether the old token is still good enough.
    """
    token = extract_token(request)
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if token is None or refresh_token is None or not needs_refresh(token, now):
        return token, False
    return await refresh_access_token(refresh_token, config, transport), True


def forward_auth_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers to send when calling Kamiwaza for the user: the
    authorization, cookies, `x-forwarded-*`, request id and `x-user-*`
    headers. An `access_token` cookie becomes a bearer header when the
    request has none."""
    lowered = {name.lower(): value for name, value in headers.items()}
    forwarded = {name: lowered[name] for name in _FORWARDED_HEADERS if name in lowered}
    forwarded.update({name: value for name, value in lowered.items() if name.startswith("x-user-")})
    if "authorization" not in forwarded:
        token = _token_from_cookie_header(lowered.get("cookie", ""))
        if token:
            forwarded["authorization"] = f"Bearer {token}"
    return forwarded
