/**
 * Browser-side session helpers that talk to the backend's session
 * endpoints (`kamiwaza_auth.create_session_router(prefix="/api")`):
 * `GET /api/session`, `GET /api/auth/login-url` and `POST /api/auth/logout`.
 */

import { withBase } from "./base-path.js";

export interface SessionData {
  user_id: string;
  email: string;
  name: string;
  roles: string[];
  request_id: string | null;
  auth_enabled: boolean;
  /** Unix time in seconds, or null when unknown. */
  session_expires_at: number | null;
}

export interface LogoutResponse {
  success: boolean;
  message: string;
  redirect_url: string;
  front_channel_logout_url: string | null;
}

export interface SessionOptions {
  /** Origin to prefix, for code outside a browser; "" keeps URLs relative. */
  origin?: string;
  /** The app's path prefix, such as `/runtime/apps/1`. */
  basePath?: string;
  /** Replaces the global fetch (tests, server-side rendering). */
  fetch?: typeof fetch;
}

/** The backend answered 401: the user must sign in again. */
export class SessionExpiredError extends Error {
  constructor(message = "the session has expired") {
    super(message);
    this.name = "SessionExpiredError";
  }
}

function endpoint(path: string, options: SessionOptions): string {
  return `${options.origin ?? ""}${withBase(path, options.basePath ?? "")}`;
}

async function send(path: string, init: RequestInit, options: SessionOptions): Promise<Response> {
  const fetcher = options.fetch ?? fetch;
  const response = await fetcher(endpoint(path, options), { credentials: "include", ...init });
  if (response.status === 401) throw new SessionExpiredError();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} failed with HTTP ${response.status}`);
  return response;
}

/** The current session; throws `SessionExpiredError` when there is none. */
export async function fetchSession(options: SessionOptions = {}): Promise<SessionData> {
  const response = await send("/api/session", { method: "GET" }, options);
  return (await response.json()) as SessionData;
}

/** The URL of Kamiwaza's sign-in page that returns to `redirectUri`. */
export async function getLoginUrl(redirectUri: string, options: SessionOptions = {}): Promise<string> {
  const query = new URLSearchParams({ redirect_uri: redirectUri });
  const response = await send(`/api/auth/login-url?${query}`, { method: "GET" }, options);
  return ((await response.json()) as { login_url: string }).login_url;
}

/** Signs the user out through the backend; the result says where to go next. */
export async function logout(redirectUri?: string, options: SessionOptions = {}): Promise<LogoutResponse> {
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ post_logout_redirect_uri: redirectUri ?? null }),
  };
  const response = await send("/api/auth/logout", init, options);
  return (await response.json()) as LogoutResponse;
}

/** Seconds until the session expires (never negative), or null when unknown. */
export function calculateTimeRemaining(session: SessionData, nowMs: number = Date.now()): number | null {
  if (session.session_expires_at === null) return null;
  return Math.max(0, Math.floor(session.session_expires_at - nowMs / 1000));
}

/** Whether the session belongs to a signed-in user (always true with auth off). */
export function isAuthenticated(session: SessionData | null | undefined): boolean {
  if (!session) return false;
  return !session.auth_enabled || Boolean(session.user_id && session.email);
}
