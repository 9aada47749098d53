import pytest
from fastapi.testclient import TestClient

from app.main import app


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return TestClient(app)


def test_health_reports_healthy(client):
    assert client.get("/health").json() == {"status": "healthy"}


def test_notes_start_empty(client):
    assert client.get("/api/notes").json() == []


def test_added_note_is_listed(client):
    created = client.post("/api/notes", json={"text": "buy milk"})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "text": "buy milk"}
    assert client.get("/api/notes").json() == [{"id": 1, "text": "buy milk"}]


def test_note_without_text_is_rejected(client):
    assert client.post("/api/notes", json={}).status_code == 422
