"""MCP server of {{ name }}.

Kamiwaza runs tools as MCP servers that speak streamable HTTP on port 8000
at `/mcp` and answer `GET /health`. The server is stateless and answers in
JSON, so any number of replicas can serve a client.
"""

import os

from mcp.server.fastmcp import FastMCP
from starlette.requests import Request
from starlette.responses import JSONResponse

PORT = int(os.environ.get("MCP_PORT", os.environ.get("PORT", "8000")))
MCP_PATH = os.environ.get("MCP_PATH", "/mcp")

# Binding to 0.0.0.0 (not localhost) also leaves DNS-rebinding protection
# off, which would otherwise reject the Host header of the platform's proxy.
mcp = FastMCP(
    "{{ name }}",
    host="0.0.0.0",
    port=PORT,
    streamable_http_path=MCP_PATH,
    stateless_http=True,
    json_response=True,
)


@mcp.tool()
def word_count(text: str) -> int:
    """Count the words of a text, splitting on whitespace."""
    return len(text.split())


@mcp.custom_route("/health", methods=["GET"])
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "healthy"})


app = mcp.streamable_http_app()


def main() -> None:
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=PORT)


if __name__ == "__main__":
    main()
