/**
 * How the client authenticates: an API key, the signed-in user's own
 * forward-auth headers, or nothing.
 *
 * Inside an extension, the user's session arrives as cookies and headers
 * set by Kamiwaza's forward-auth proxy. `ForwardAuthAuthenticator` replays
 * them, so Kamiwaza sees the call as made by that user.
 */

/** Headers as the Fetch API or Node's `IncomingMessage` give them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** Adds credentials to outgoing requests. */
export interface Authenticator {
  /** Sets the credential headers on an outgoing request. */
  authenticate(headers: Headers): void;
  /** Tries to renew the credentials after a 401; true when a retry may help. */
  refreshToken(): Promise<boolean>;
  /** The bearer token in use, if any. */
  getAccessToken(): string | undefined;
}

/** The signed-in user as the forward-auth proxy reports it. */
export interface Identity {
  userId: string;
  email?: string;
  name?: string;
  roles: string[];
}

/** Headers that carry the user's session or describe the original request. */
const FORWARDED_HEADERS = [
  "authorization",
  "cookie",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-uri",
  "x-forwarded-prefix",
  "x-real-ip",
  "x-original-url",
  "x-request-id",
];

function entries(source: HeaderSource): Array<[string, string]> {
  if (source instanceof Headers) {
    return [...source.entries()];
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    pairs.push([name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value]);
  }
  return pairs;
}

function cookieValue(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name && rest.length > 0) return rest.join("=");
  }
  return undefined;
}

/**
 * The headers to pass on when calling Kamiwaza for the user: session,
 * `x-forwarded-*`, request id and every `x-user-*` header. An
 * `access_token` cookie becomes a bearer header when none is present.
 */
export function forwardAuthHeaders(source: HeaderSource): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of entries(source)) {
    const lower = name.toLowerCase();
    if (FORWARDED_HEADERS.includes(lower) || lower.startsWith("x-user-")) {
      forwarded[lower] = value;
    }
  }
  if (!forwarded.authorization && forwarded.cookie) {
    const token = cookieValue(forwarded.cookie, "access_token");
    if (token) forwarded.authorization = `Bearer ${token}`;
  }
  return forwarded;
}

/** The user from `x-user-*` headers, or null without `x-user-id`. */
export function extractIdentity(source: HeaderSource): Identity | null {
  const headers = Object.fromEntries(entries(source).map(([name, value]) => [name.toLowerCase(), value]));
  const userId = headers["x-user-id"];
  if (!userId) return null;
  const roles = (headers["x-user-roles"] ?? "")
    .split(",")
    .map((role) => role.trim())
    .filter((role) => role.length > 0);
  return { userId, email: headers["x-user-email"], name: headers["x-user-name"], roles };
}

/** Sends `Authorization: Bearer <key>` with every request. */
export class ApiKeyAuthenticator implements Authenticator {
  constructor(private readonly apiKey: string) {}

  authenticate(headers: Headers): void {
    headers.set("authorization", `Bearer ${this.apiKey}`);
  }

  async refreshToken(): Promise<boolean> {
    return false;
  }

  getAccessToken(): string | undefined {
    return this.apiKey;
  }
}

/** Replays the signed-in user's forward-auth headers on every request. */
export class ForwardAuthAuthenticator implements Authenticator {
  private readonly headers: Record<string, string>;

  constructor(authHeaders: HeaderSource) {
    this.headers = forwardAuthHeaders(authHeaders);
  }

  authenticate(headers: Headers): void {
    for (const [name, value] of Object.entries(this.headers)) {
      headers.set(name, value);
    }
  }

  /** The proxy owns the session, so there is nothing to renew here. */
  async refreshToken(): Promise<boolean> {
    return false;
  }

  getAccessToken(): string | undefined {
    const authorization = this.headers.authorization ?? "";
    return authorization.toLowerCase().startsWith("bearer ") ? authorization.slice(7).trim() : undefined;
  }
}

/** Sends no credentials, for Kamiwaza instances with auth turned off. */
export class NoAuthAuthenticator implements Authenticator {
  authenticate(): void {}

  async refreshToken(): Promise<boolean> {
    return false;
  }

  getAccessToken(): string | undefined {
    return undefined;
  }
}
