import assert from "node:assert/strict";
import { test } from "node:test";

import {
  buildTargetUrl,
  extractIdentity,
  forwardHeaders,
  getRequestBasePath,
  normalizeBasePath,
  parseCookie,
  withBase,
} from "../dist/index.js";

test("base paths are normalized", () => {
  assert.equal(normalizeBasePath("runtime/apps/1/"), "/runtime/apps/1");
  assert.equal(normalizeBasePath("/"), "");
  assert.equal(normalizeBasePath(undefined), "");
  assert.equal(withBase("api/session", "/runtime/apps/1"), "/runtime/apps/1/api/session");
});

test("base path comes from the forwarded prefix header", () => {
  assert.equal(getRequestBasePath(new Headers({ "x-forwarded-prefix": "/runtime/apps/9/" })), "/runtime/apps/9");
});

test("cookies are parsed and decoded", () => {
  assert.equal(parseCookie("a=1; app-base-path=%2Fruntime%2Fapps%2F1", "app-base-path"), "/runtime/apps/1");
  assert.equal(parseCookie("a=1", "b"), undefined);
  assert.equal(parseCookie(null, "a"), undefined);
});

test("identity comes from forward-auth headers", () => {
  const headers = new Headers({ "x-user-id": "u1", "x-user-email": "ada@example.com", "x-user-roles": "admin,viewer" });
  assert.deepEqual(extractIdentity(headers), {
    userId: "u1", email: "ada@example.com", name: null, roles: ["admin", "viewer"], requestId: null,
  });
  assert.equal(extractIdentity(new Headers()), null);
});

test("proxied headers drop hop-by-hop headers", () => {
  const forwarded = forwardHeaders(new Headers({ host: "app", connection: "keep-alive", cookie: "a=1" }));
  assert.deepEqual([...forwarded.keys()], ["cookie"]);
});

test("target url keeps path and query", () => {
  assert.equal(buildTargetUrl("https://app.test/api/items?x=1", "http://backend:8000/"), "http://backend:8000/api/items?x=1");
});
