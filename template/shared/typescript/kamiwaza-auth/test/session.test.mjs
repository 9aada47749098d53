import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

import {
  calculateTimeRemaining,
  fetchSession,
  getLoginUrl,
  isAuthenticated,
  logout,
  SessionExpiredError,
} from "../dist/index.js";

// A fake app backend with the session endpoints of kamiwaza_auth, below
// the prefix /runtime/apps/7, that signs in whoever sends `access_token`.
let server;
let origin;
const requests = [];
const basePath = "/runtime/apps/7";

before(async () => {
  server = http.createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    requests.push({ method: request.method, url: request.url, headers: request.headers, body });
    const url = new URL(request.url, "http://fake");
    const signedIn = (request.headers.cookie ?? "").includes("access_token=");
    const reply = (status, payload) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    if (url.pathname === `${basePath}/api/session`) {
      if (!signedIn) return reply(401, { error: "session_expired" });
      return reply(200, {
        user_id: "u1", email: "ada@example.com", name: "Ada", roles: ["admin"],
        request_id: null, auth_enabled: true, session_expires_at: 2000,
      });
    }
    if (url.pathname === `${basePath}/api/auth/login-url`) {
      return reply(200, { login_url: `https://kamiwaza.test/api/auth/login?redirect_uri=${url.searchParams.get("redirect_uri")}` });
    }
    if (url.pathname === `${basePath}/api/auth/logout` && request.method === "POST") {
      const { post_logout_redirect_uri: redirect } = JSON.parse(body);
      return reply(200, { success: true, message: "signed out", redirect_url: redirect, front_channel_logout_url: null });
    }
    reply(404, { detail: "not found" });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test("fetchSession returns the signed-in user", async () => {
  const cookieFetch = (url, init) => fetch(url, { ...init, headers: { ...init.headers, cookie: "access_token=jwt" } });
  const session = await fetchSession({ origin, basePath, fetch: cookieFetch });
  assert.equal(session.email, "ada@example.com");
  assert.equal(isAuthenticated(session), true);
});

test("fetchSession without a session throws SessionExpiredError", async () => {
  await assert.rejects(fetchSession({ origin, basePath }), SessionExpiredError);
});

test("getLoginUrl asks the backend below the base path", async () => {
  const loginUrl = await getLoginUrl("https://app.test/home", { origin, basePath: "runtime/apps/7/" });
  assert.equal(loginUrl, "https://kamiwaza.test/api/auth/login?redirect_uri=https://app.test/home");
  assert.equal(requests.at(-1).url, `${basePath}/api/auth/login-url?redirect_uri=https%3A%2F%2Fapp.test%2Fhome`);
});

test("logout posts the redirect target", async () => {
  const result = await logout("https://app.test/bye", { origin, basePath });
  assert.equal(result.success, true);
  assert.equal(result.redirect_url, "https://app.test/bye");
  assert.equal(requests.at(-1).method, "POST");
});

test("time remaining counts down and stops at zero", () => {
  const session = { session_expires_at: 2000, auth_enabled: true };
  assert.equal(calculateTimeRemaining(session, 1_940_000), 60);
  assert.equal(calculateTimeRemaining(session, 2_100_000), 0);
  assert.equal(calculateTimeRemaining({ session_expires_at: null }), null);
});

test("sessions without auth count as signed in", () => {
  assert.equal(isAuthenticated({ auth_enabled: false, user_id: "anonymous", email: "" }), true);
  assert.equal(isAuthenticated(null), false);
});
