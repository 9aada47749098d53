"""The session endpoints that the `@kamiwaza/auth` frontend helpers call."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .config import AuthConfig
from .identity import get_identity
from .tokens import ACCESS_COOKIE, RefreshError, ensure_fresh_token, expires_at, forward_auth_headers

logger = logging.getLogger(__name__)


class LogoutRequest(BaseModel):
    post_logout_redirect_uri: str | None = None


def _session_expired(message: str) -> JSONResponse:
    return JSONResponse(status_code=401, content={"error": "session_expired", "message": message})


def create_session_router(
    prefix: str = "",
    config: AuthConfig | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> APIRouter:
    """An APIRouter with `GET {prefix}/session`, `GET {prefix}/auth/login-url`
    and `POST {prefix}/auth/logout`.

    App backends usually mount it with `prefix="/api"`, because the frontend
    reaches the backend through its `/api` proxy. `config` defaults to
    `AuthConfig.from_env()`, read once here; `transport` replaces the HTTP
    transport to Kamiwaza (tests pass a fake).
    """
    config = config or AuthConfig.from_env()
    router = APIRouter(prefix=prefix, tags=["session"])

    @router.get("/session")
    async def session(request: Request) -> JSONResponse:
        if not config.auth_enabled:
            return JSONResponse(
                {
                    "user_id": "anonymous",
                    "email": "anonymous@local",
                    "name": "Anonymous",
                    "roles": [],
                    "request_id": None,
                    "auth_enabled": False,
                    "session_expires_at": None,
                }
            )
        identity = get_identity(request)
        if not identity.is_authenticated:
            return _session_expired("no signed-in user; sign in again")
        token, refreshed = await _fresh_token(request)
        expiry = expires_at(token) if token else None
        if expiry is not None and expiry <= time.time():
            return _session_expired("the access token has expired; sign in again")
        response = JSONResponse(
            {
                "user_id": identity.user_id,
                "email": identity.email,
                "name": identity.name,
                "roles": identity.roles,
                "request_id": identity.request_id,
                "auth_enabled": True,
                "session_expires_at": expiry,
            }
        )
        if refreshed and token:
            response.set_cookie(ACCESS_COOKIE, token, httponly=True, secure=True, samesite="lax")
        return response

    async def _fresh_token(request: Request) -> tuple[str | None, bool]:
        try:
            return await ensure_fresh_token(request, config, transport)
        except RefreshError as error:
            logger.warning("access token refresh failed: %s", error)
            return request.cookies.get(ACCESS_COOKIE), False

    @router.get("/auth/login-url")
    async def login_url(redirect_uri: str = Query(..., min_length=1)) -> dict[str, str]:
        query = urlencode({"redirect_uri": redirect_uri, "state": redirect_uri})
        return {"login_url": f"{config.public_api_url}/auth/login?{query}"}

    @router.post("/auth/logout")
    async def logout(request: Request, body: LogoutRequest | None = None) -> JSONResponse:
        redirect = (body.post_logout_redirect_uri if body else None) or _default_redirect(config)
        url = f"{config.api_url}/auth/logout"
        headers = forward_auth_headers(request.headers)
        try:
            async with httpx.AsyncClient(
                transport=transport, verify=config.verify_tls, timeout=config.timeout_seconds
            ) as client:
                upstream = await client.post(url, headers=headers, json={"post_logout_redirect_uri": redirect})
        except httpx.HTTPError as error:
            logger.warning("logout request to %s failed: %s", url, error)
            return JSONResponse(_logout_body(False, f"Kamiwaza could not be reached: {error}", redirect, None))
        if upstream.status_code >= 400:
            message = f"Kamiwaza answered HTTP {upstream.status_code}"
            return JSONResponse(_logout_body(False, message, redirect, None))
        data = upstream.json() if upstream.headers.get("content-type", "").startswith("application/json") else {}
        return JSONResponse(
            _logout_body(
                True,
                "signed out",
                data.get("redirect_url") or redirect,
                data.get("front_channel_logout_url"),
            )
        )

    return router


def _default_redirect(config: AuthConfig) -> str:
    origin = config.public_api_url.removesuffix("/api")
    return f"{origin}/login"


def _logout_body(success: bool, message: str, redirect_url: str, front_channel: str | None) -> dict:
    return {
        "success": success,
        "message": message,
        "redirect_url": redirect_url,
        "front_channel_logout_url": front_channel,
    }
