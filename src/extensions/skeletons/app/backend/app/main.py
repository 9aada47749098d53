"""HTTP API of {{ name }}.

App Garden routes `/api/*` of the app through the frontend to this service
and checks `/health` before it marks a deployment ready. The platform's
forward-auth proxy adds the signed-in user as `x-user-*` headers.
"""

from fastapi import FastAPI, Request

app = FastAPI(title="{{ title }}")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "healthy"}


@app.get("/api/hello")
def hello(request: Request, name: str | None = None) -> dict[str, str]:
    """Greet `name`, or the signed-in user when no name is given."""
    who = name or request.headers.get("x-user-name") or "world"
    return {"message": f"Hello, {who}!"}
