import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

import { createServer } from "../server.mjs";

let backend;
let frontend;
let baseUrl;

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

before(async () => {
  // A stand-in for the FastAPI backend that echoes what it received.
  backend = http.createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ path: request.url, user: request.headers["x-user-name"] ?? null }));
  });
  const backendPort = await listen(backend);
  frontend = createServer({ backendUrl: `http://127.0.0.1:${backendPort}` });
  baseUrl = `http://127.0.0.1:${await listen(frontend)}`;
});

after(() => {
  frontend.close();
  backend.close();
});

test("health reports healthy", async () => {
  const response = await fetch(`${baseUrl}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "healthy" });
});

test("index page is served", async () => {
  const response = await fetch(`${baseUrl}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /text\/html/);
  assert.match(await response.text(), /fetch\("api\/hello"\)/);
});

test("api requests reach the backend with their headers", async () => {
  const response = await fetch(`${baseUrl}/api/hello?name=Ada`, { headers: { "x-user-name": "Grace" } });
  assert.deepEqual(await response.json(), { path: "/api/hello?name=Ada", user: "Grace" });
});

test("paths outside public are not found", async () => {
  const response = await fetch(`${baseUrl}/../server.mjs`);
  assert.equal(response.status, 404);
});
