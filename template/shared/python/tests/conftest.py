"""Test helpers: JWTs with chosen claims, and a fake Kamiwaza API that the
library reaches through an in-process transport, so no test needs a network."""

import base64
import json
import time

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def make_token(expires_in: float, **claims) -> str:
    """An unsigned JWT that expires `expires_in` seconds from now."""

    def encode(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    payload = {"sub": "user-1", "exp": int(time.time() + expires_in), **claims}
    return f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode(payload)}.signature"


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    """A `cookie` request header carrying `cookies`."""
    return {"cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


class FakeKamiwaza:
    """Records the requests it gets and answers them as configured."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.refresh_status = 200
        self.refreshed_token = make_token(300)
        self.logout_status = 200
        self.app = FastAPI()
        self.app.post("/api/auth/refresh")(self._refresh)
        self.app.post("/api/auth/logout")(self._logout)

    async def _record(self, request: Request) -> None:
        body = await request.body()
        self.requests.append(
            {
                "path": request.url.path,
                "cookies": dict(request.cookies),
                "headers": dict(request.headers),
                "json": json.loads(body) if body else None,
            }
        )

    async def _refresh(self, request: Request) -> JSONResponse:
        await self._record(request)
        if self.refresh_status != 200:
            return JSONResponse(status_code=self.refresh_status, content={"detail": "refresh rejected"})
        return JSONResponse({"access_token": self.refreshed_token, "token_type": "bearer"})

    async def _logout(self, request: Request) -> JSONResponse:
        await self._record(request)
        if self.logout_status != 200:
            return JSONResponse(status_code=self.logout_status, content={"detail": "logout failed"})
        return JSONResponse(
            {"redirect_url": "https://kamiwaza.test/signed-out", "front_channel_logout_url": "https://idp.test/logout"}
        )

    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app)


@pytest.fixture
def kamiwaza() -> FakeKamiwaza:
    return FakeKamiwaza()
