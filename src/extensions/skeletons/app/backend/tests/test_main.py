from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_health_reports_healthy():
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}


def test_hello_uses_name_parameter():
    response = client.get("/api/hello", params={"name": "Ada"})
    assert response.json() == {"message": "Hello, Ada!"}


def test_hello_falls_back_to_forwarded_user():
    response = client.get("/api/hello", headers={"x-user-name": "Grace"})
    assert response.json() == {"message": "Hello, Grace!"}
