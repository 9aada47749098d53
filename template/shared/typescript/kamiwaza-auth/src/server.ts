/** Server-side helpers for Next.js routes and other Node servers of an app. */

/** Headers in which Kamiwaza's forward-auth proxy describes the user. */
export const FORWARD_AUTH_HEADERS = ["x-user-id", "x-user-email", "x-user-name", "x-user-roles", "x-request-id"];

/** Headers that belong to one connection and are never proxied. */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "upgrade", "keep-alive"]);

export interface KamiwazaIdentity {
  userId: string;
  email: string | null;
  name: string | null;
  roles: string[];
  requestId: string | null;
}

/** The user from forward-auth headers, or null without `x-user-id`. */
export function extractIdentity(headers: Headers): KamiwazaIdentity | null {
  const userId = headers.get("x-user-id");
  if (!userId) return null;
  const roles = (headers.get("x-user-roles") ?? "")
    .split(",")
    .map((role) => role.trim())
    .filter((role) => role.length > 0);
  return {
    userId,
    email: headers.get("x-user-email"),
    name: headers.get("x-user-name"),
    roles,
    requestId: headers.get("x-request-id"),
  };
}

/** The headers of an incoming request to pass on to the backend, without hop-by-hop headers. */
export function forwardHeaders(incoming: Headers): Headers {
  const forwarded = new Headers();
  for (const [name, value] of incoming.entries()) {
    if (!HOP_BY_HOP.has(name)) forwarded.set(name, value);
  }
  return forwarded;
}

/** The backend URL for an `/api/...` request: `BACKEND_URL` (default `http://backend:8000`) plus path and query. */
export function buildTargetUrl(requestUrl: string, backendUrl?: string): string {
  const incoming = new URL(requestUrl);
  const base = (backendUrl ?? process.env.BACKEND_URL ?? "http://backend:8000").replace(/\/+$/, "");
  return `${base}${incoming.pathname}${incoming.search}`;
}
