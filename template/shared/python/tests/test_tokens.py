import asyncio
import time

import pytest
from conftest import cookie_header, make_token
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from kamiwaza_auth import (
    AuthConfig,
    RefreshError,
    decode_claims,
    ensure_fresh_token,
    extract_token,
    forward_auth_headers,
    needs_refresh,
    refresh_access_token,
)

CONFIG = AuthConfig(api_url="http://kamiwaza.test/api", refresh_api_url="http://kamiwaza.test/api")


def token_seen_by_endpoint(**request_options):
    app = FastAPI()

    @app.get("/token")
    def token(request: Request):
        return {"token": extract_token(request)}

    return TestClient(app).get("/token", **request_options).json()["token"]


def test_token_from_access_token_cookie():
    assert token_seen_by_endpoint(headers=cookie_header({"access_token": "from-cookie"})) == "from-cookie"


def test_token_from_bearer_header():
    assert token_seen_by_endpoint(headers={"authorization": "Bearer from-header"}) == "from-header"


def test_cookie_wins_over_bearer_header():
    options = {"headers": {**cookie_header({"access_token": "from-cookie"}), "authorization": "Bearer from-header"}}
    assert token_seen_by_endpoint(**options) == "from-cookie"


def test_no_token_without_cookie_or_bearer():
    assert token_seen_by_endpoint(headers={"authorization": "Basic abc"}) is None


def test_claims_of_jwt():
    claims = decode_claims(make_token(120, email="ada@example.com"))
    assert claims["email"] == "ada@example.com"
    assert claims["sub"] == "user-1"


def test_claims_of_malformed_tokens_are_empty():
    assert decode_claims("not-a-jwt") == {}
    assert decode_claims("a.!!!.c") == {}
    assert decode_claims("a.WzFd.c") == {}  # a JSON list, not an object


def test_refresh_needed_within_sixty_seconds():
    now = time.time()
    assert needs_refresh(make_token(30), now=now)
    assert needs_refresh(make_token(-5), now=now)
    assert not needs_refresh(make_token(120), now=now)
    assert not needs_refresh("opaque-token", now=now)


def test_refresh_sends_refresh_cookie(kamiwaza):
    token = asyncio.run(refresh_access_token("refresh-1", CONFIG, kamiwaza.transport()))
    assert token == kamiwaza.refreshed_token
    assert kamiwaza.requests[0]["path"] == "/api/auth/refresh"
    assert kamiwaza.requests[0]["cookies"] == {"refresh_token": "refresh-1"}


def test_refresh_rejected_raises(kamiwaza):
    kamiwaza.refresh_status = 401
    with pytest.raises(RefreshError, match="HTTP 401"):
        asyncio.run(refresh_access_token("refresh-1", CONFIG, kamiwaza.transport()))


def fresh_token_for(kamiwaza, cookies):
    app = FastAPI()

    @app.get("/fresh")
    async def fresh(request: Request):
        token, refreshed = await ensure_fresh_token(request, CONFIG, kamiwaza.transport())
        return {"token": token, "refreshed": refreshed}

    return TestClient(app).get("/fresh", headers=cookie_header(cookies)).json()


def test_expiring_token_is_refreshed(kamiwaza):
    result = fresh_token_for(kamiwaza, {"access_token": make_token(30), "access_token_refresh": "refresh-1"})
    assert result == {"token": kamiwaza.refreshed_token, "refreshed": True}


def test_lasting_token_is_kept(kamiwaza):
    lasting = make_token(240)
    result = fresh_token_for(kamiwaza, {"access_token": lasting, "access_token_refresh": "refresh-1"})
    assert result == {"token": lasting, "refreshed": False}
    assert kamiwaza.requests == []


def test_no_refresh_without_refresh_cookie(kamiwaza):
    expiring = make_token(30)
    assert fresh_token_for(kamiwaza, {"access_token": expiring}) == {"token": expiring, "refreshed": False}


def test_forward_headers_turn_cookie_into_bearer():
    headers = {
        "Cookie": "theme=dark; access_token=abc",
        "X-Forwarded-Prefix": "/runtime/apps/1",
        "X-User-Id": "u1",
        "Accept": "text/html",
    }
    assert forward_auth_headers(headers) == {
        "cookie": "theme=dark; access_token=abc",
        "x-forwarded-prefix": "/runtime/apps/1",
        "x-user-id": "u1",
        "authorization": "Bearer abc",
    }


def test_forward_headers_keep_existing_authorization():
    headers = {"authorization": "Bearer keep", "cookie": "access_token=other"}
    assert forward_auth_headers(headers)["authorization"] == "Bearer keep"
