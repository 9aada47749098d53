import pytest
from conftest import cookie_header, make_token
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kamiwaza_auth import AuthConfig, create_session_router

USER_HEADERS = {
    "x-user-id": "u1",
    "x-user-email": "ada@example.com",
    "x-user-name": "Ada",
    "x-user-roles": "admin, viewer",
    "x-request-id": "req-7",
}


def make_client(kamiwaza, **config_options):
    config = AuthConfig(
        api_url="http://kamiwaza.test/api",
        refresh_api_url="http://kamiwaza.test/api",
        public_api_url="https://kamiwaza.test/api",
        **config_options,
    )
    app = FastAPI()
    app.include_router(create_session_router(prefix="/api", config=config, transport=kamiwaza.transport()))
    return TestClient(app)


@pytest.fixture
def client(kamiwaza):
    return make_client(kamiwaza)


def test_session_anonymous_when_auth_disabled(kamiwaza):
    body = make_client(kamiwaza, auth_enabled=False).get("/api/session").json()
    assert body["auth_enabled"] is False
    assert body["user_id"] == "anonymous"


def test_session_without_user_is_expired(client):
    response = client.get("/api/session")
    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"


def test_session_reports_forwarded_identity(client):
    token = make_token(240)
    response = client.get("/api/session", headers={**USER_HEADERS, **cookie_header({"access_token": token})})
    body = response.json()
    assert response.status_code == 200
    assert body["user_id"] == "u1"
    assert body["email"] == "ada@example.com"
    assert body["roles"] == ["admin", "viewer"]
    assert body["request_id"] == "req-7"
    assert body["session_expires_at"] is not None
    assert "set-cookie" not in response.headers


def test_session_refreshes_expiring_token(client, kamiwaza):
    cookies = {"access_token": make_token(30), "access_token_refresh": "refresh-1"}
    response = client.get("/api/session", headers={**USER_HEADERS, **cookie_header(cookies)})
    assert response.status_code == 200
    assert kamiwaza.requests[0]["cookies"] == {"refresh_token": "refresh-1"}
    assert f"access_token={kamiwaza.refreshed_token}" in response.headers["set-cookie"]


def test_session_keeps_valid_token_when_refresh_fails(client, kamiwaza):
    kamiwaza.refresh_status = 500
    cookies = {"access_token": make_token(30), "access_token_refresh": "refresh-1"}
    response = client.get("/api/session", headers={**USER_HEADERS, **cookie_header(cookies)})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_session_expired_token_without_refresh(client, kamiwaza):
    kamiwaza.refresh_status = 401
    cookies = {"access_token": make_token(-10), "access_token_refresh": "refresh-1"}
    response = client.get("/api/session", headers={**USER_HEADERS, **cookie_header(cookies)})
    assert response.status_code == 401


def test_login_url_carries_redirect_and_state(client):
    body = client.get("/api/auth/login-url", params={"redirect_uri": "https://app.test/home"}).json()
    expected_query = "redirect_uri=https%3A%2F%2Fapp.test%2Fhome&state=https%3A%2F%2Fapp.test%2Fhome"
    assert body == {"login_url": f"https://kamiwaza.test/api/auth/login?{expected_query}"}


def test_login_url_requires_redirect(client):
    assert client.get("/api/auth/login-url").status_code == 422


def test_logout_forwards_session_to_kamiwaza(client, kamiwaza):
    response = client.post(
        "/api/auth/logout",
        json={"post_logout_redirect_uri": "https://app.test/bye"},
        headers=cookie_header({"access_token": "abc"}),
    )
    body = response.json()
    assert body["success"] is True
    assert body["redirect_url"] == "https://kamiwaza.test/signed-out"
    assert body["front_channel_logout_url"] == "https://idp.test/logout"
    sent = kamiwaza.requests[0]
    assert sent["path"] == "/api/auth/logout"
    assert sent["headers"]["authorization"] == "Bearer abc"
    assert sent["json"] == {"post_logout_redirect_uri": "https://app.test/bye"}


def test_logout_failure_still_answers(client, kamiwaza):
    kamiwaza.logout_status = 502
    body = client.post("/api/auth/logout").json()
    assert body["success"] is False
    assert body["redirect_url"] == "https://kamiwaza.test/login"
