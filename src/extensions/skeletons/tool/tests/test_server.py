import pytest
from starlette.testclient import TestClient

from {{ package }}.server import app, word_count

HEADERS = {"accept": "application/json, text/event-stream"}


@pytest.fixture(scope="module")
def client():
    # Entering the client runs the app's lifespan, which starts the MCP
    # session manager; that can happen once per app, so tests share it.
    with TestClient(app) as test_client:
        yield test_client


def rpc(client, method, params, request_id=1):
    body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
    response = client.post("/mcp", headers=HEADERS, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_word_count_splits_on_whitespace():
    assert word_count("one two  three\nfour") == 4
    assert word_count("") == 0


def test_health_reports_healthy(client):
    assert client.get("/health").json() == {"status": "healthy"}


def test_initialize_names_the_server(client):
    result = rpc(client, "initialize", {
        "protocolVersion": "2025-03-26",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    })["result"]
    assert result["serverInfo"]["name"] == "{{ name }}"


def test_tool_call_over_http(client):
    result = rpc(client, "tools/call", {"name": "word_count", "arguments": {"text": "a b c"}})["result"]
    assert result["isError"] is False
    assert result["structuredContent"] == {"result": 3}
