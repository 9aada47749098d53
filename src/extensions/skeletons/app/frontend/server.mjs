// Frontend of {{ name }}: serves public/ and forwards /api/* to the backend,
// with no dependencies beyond Node 20.
//
// App Garden serves the app below a path prefix, so the page uses relative
// URLs (`api/hello`, not `/api/hello`) and works under any prefix.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "public");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

// Headers that describe one hop of a connection and are never forwarded.
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host"]);

/** Creates the HTTP server; `backendUrl` is where /api/* requests go. */
export function createServer({ backendUrl = process.env.BACKEND_URL ?? "http://backend:8000" } = {}) {
  return http.createServer((request, response) => {
    const url = new URL(request.url, "http://frontend");
    if (url.pathname === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "healthy" }));
    } else if (url.pathname.startsWith("/api/")) {
      forward(request, response, new URL(url.pathname + url.search, backendUrl));
    } else {
      serveStatic(url.pathname, response);
    }
  });
}

function forward(request, response, target) {
  const headers = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!HOP_HEADERS.has(name)) headers[name] = value;
  }
  const upstream = http.request(target, { method: request.method, headers }, (backendResponse) => {
    response.writeHead(backendResponse.statusCode ?? 502, backendResponse.headers);
    backendResponse.pipe(response);
  });
  upstream.on("error", (error) => {
    response.writeHead(502, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "backend unreachable", detail: error.message }));
  });
  request.pipe(upstream);
}

async function serveStatic(pathname, response) {
  const relative = pathname === "/" ? "index.html" : pathname.slice(1);
  const file = path.join(PUBLIC_DIR, relative);
  const inside = file.startsWith(PUBLIC_DIR + path.sep);
  const found = inside && (await stat(file).then((info) => info.isFile(), () => false));
  if (!found) {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found\n");
    return;
  }
  const type = CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream";
  response.writeHead(200, { "content-type": type });
  createReadStream(file).pipe(response);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createServer().listen(port, "0.0.0.0", () => {
    console.log(`frontend listening on port ${port}`);
  });
}
