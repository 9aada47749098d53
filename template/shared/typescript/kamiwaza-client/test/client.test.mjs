import assert from "node:assert/strict";
import { test } from "node:test";

import {
  APIError,
  ApiKeyAuthenticator,
  AuthenticationError,
  ConfigurationError,
  extractIdentity,
  ForwardAuthAuthenticator,
  forwardAuthHeaders,
  KamiwazaClient,
} from "../dist/index.js";
import { startFakeKamiwaza } from "./fake-kamiwaza.mjs";

test("get sends the api key and query parameters", async (t) => {
  const fake = await startFakeKamiwaza({ "GET /api/models/": () => ({ body: [{ id: "m1" }] }) });
  t.after(fake.close);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl, apiKey: "key-1" });

  const models = await client.get("/models/", { params: { limit: 5, skip: undefined } });

  assert.deepEqual(models, [{ id: "m1" }]);
  assert.equal(fake.requests[0].headers.authorization, "Bearer key-1");
  assert.equal(fake.requests[0].query.get("limit"), "5");
  assert.equal(fake.requests[0].query.has("skip"), false);
});

test("post sends json and parses the answer", async (t) => {
  const fake = await startFakeKamiwaza({ "POST /api/things": (request) => ({ status: 201, body: JSON.parse(request.body) }) });
  t.after(fake.close);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl });

  assert.deepEqual(await client.post("things", { json: { a: 1 } }), { a: 1 });
  assert.equal(fake.requests[0].headers["content-type"], "application/json");
  assert.equal(fake.requests[0].headers.authorization, undefined);
});

test("204 gives undefined and text stays text", async (t) => {
  const fake = await startFakeKamiwaza({
    "DELETE /api/things/1": () => ({ status: 204 }),
    "GET /api/version": () => ({ body: "1.2.3" }),
  });
  t.after(fake.close);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl });

  assert.equal(await client.delete("/things/1"), undefined);
  assert.equal(await client.get("/version"), "1.2.3");
});

test("http errors become APIError with the response", async (t) => {
  const fake = await startFakeKamiwaza({ "GET /api/broken": () => ({ status: 500, body: { detail: "boom" } }) });
  t.after(fake.close);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl });

  const error = await client.get("/broken").catch((caught) => caught);
  assert.ok(error instanceof APIError);
  assert.equal(error.statusCode, 500);
  assert.deepEqual(error.responseData, { detail: "boom" });
});

test("401 refreshes once, retries, then gives up", async (t) => {
  const fake = await startFakeKamiwaza({ "GET /api/private": () => ({ status: 401, body: { detail: "expired" } }) });
  t.after(fake.close);
  let refreshes = 0;
  const authenticator = {
    authenticate: (headers) => headers.set("authorization", `Bearer token-${refreshes}`),
    refreshToken: async () => {
      refreshes += 1;
      return true;
    },
    getAccessToken: () => `token-${refreshes}`,
  };
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl, authenticator });

  await assert.rejects(client.get("/private"), AuthenticationError);
  assert.equal(refreshes, 1);
  assert.deepEqual(
    fake.requests.map((request) => request.headers.authorization),
    ["Bearer token-0", "Bearer token-1"],
  );
});

test("forward auth replays the user's session", async (t) => {
  const fake = await startFakeKamiwaza({ "GET /api/auth/validate": () => ({ body: { ok: true } }) });
  t.after(fake.close);
  const incoming = new Headers({
    cookie: "access_token=jwt-1; theme=dark",
    "x-user-id": "u1",
    "x-forwarded-prefix": "/runtime/apps/7",
    accept: "text/html",
  });
  const authenticator = new ForwardAuthAuthenticator(incoming);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl, authenticator });

  await client.get("/auth/validate");

  const sent = fake.requests[0].headers;
  assert.equal(sent.authorization, "Bearer jwt-1");
  assert.equal(sent.cookie, "access_token=jwt-1; theme=dark");
  assert.equal(sent["x-user-id"], "u1");
  assert.equal(sent["x-forwarded-prefix"], "/runtime/apps/7");
  assert.equal(authenticator.getAccessToken(), "jwt-1");
});

test("active deployments are filtered and given endpoints", async (t) => {
  const deployments = [
    { id: "d1", m_id: "m1", m_name: "qwen", status: "DEPLOYED", lb_port: 61100, engine_name: "vllm",
      instances: [{ id: "i1", status: "DEPLOYED" }, { id: "i2", status: "FAILED" }] },
    { id: "d2", m_id: "m2", m_name: "llama", status: "DEPLOYED", lb_port: 0, access_path: "/runtime/models/d2/",
      instances: [{ id: "i3", status: "DEPLOYED" }] },
    { id: "d3", m_id: "m3", m_name: "idle", status: "DEPLOYED", lb_port: 61102, instances: [] },
    { id: "d4", m_id: "m4", m_name: "stopped", status: "STOPPED", lb_port: 61103, instances: [{ id: "i4", status: "DEPLOYED" }] },
  ];
  const fake = await startFakeKamiwaza({ "GET /api/serving/deployments": () => ({ body: deployments }) });
  t.after(fake.close);
  const client = new KamiwazaClient({ baseUrl: fake.baseUrl, publicApiUrl: "https://kamiwaza.test/api" });

  const active = await client.serving.listActiveDeployments();

  assert.deepEqual(active, [
    { id: "d1", m_id: "m1", m_name: "qwen", status: "DEPLOYED", lb_port: 61100,
      endpoint: "https://kamiwaza.test:61100/v1", instance_count: 1, engine_name: "vllm" },
    { id: "d2", m_id: "m2", m_name: "llama", status: "DEPLOYED", lb_port: 0,
      endpoint: "https://kamiwaza.test/runtime/models/d2/v1", instance_count: 1, engine_name: null },
  ]);
});

test("missing base url is a configuration error", () => {
  const saved = { ...process.env };
  delete process.env.KAMIWAZA_API_URL;
  delete process.env.KAMIWAZA_BASE_URL;
  try {
    assert.throws(() => new KamiwazaClient(), ConfigurationError);
  } finally {
    Object.assign(process.env, saved);
  }
});

test("base url comes from the environment", () => {
  process.env.KAMIWAZA_API_URL = "http://kamiwaza.test/api/";
  try {
    assert.equal(new KamiwazaClient().baseUrl, "http://kamiwaza.test/api");
  } finally {
    delete process.env.KAMIWAZA_API_URL;
  }
});

test("forwardAuthHeaders keeps only session headers", () => {
  const forwarded = forwardAuthHeaders({ Authorization: "Bearer a", "X-User-Email": "ada@example.com", Accept: "*/*" });
  assert.deepEqual(forwarded, { authorization: "Bearer a", "x-user-email": "ada@example.com" });
});

test("extractIdentity reads x-user headers", () => {
  const identity = extractIdentity(new Headers({ "x-user-id": "u1", "x-user-roles": "admin, ,viewer" }));
  assert.deepEqual(identity, { userId: "u1", email: undefined, name: undefined, roles: ["admin", "viewer"] });
  assert.equal(extractIdentity(new Headers()), null);
});

test("api key authenticator never refreshes", async () => {
  assert.equal(await new ApiKeyAuthenticator("k").refreshToken(), false);
});
