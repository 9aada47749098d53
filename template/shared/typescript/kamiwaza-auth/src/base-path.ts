/**
 * The path prefix an app is served under.
 *
 * App Garden serves each app below a prefix such as `/runtime/apps/<id>`.
 * The prefix arrives in the `x-forwarded-prefix` header (or
 * `KAMIWAZA_APP_PATH`), and a server can keep it in the `app-base-path`
 * cookie so that browser code builds URLs below it.
 */

/** Cookie that carries the base path to browser code. */
export const BASE_PATH_COOKIE = "app-base-path";

/** `runtime/apps/1/` becomes `/runtime/apps/1`; empty or `/` becomes "". */
export function normalizeBasePath(path: string | null | undefined): string {
  const trimmed = (path ?? "").trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The value of one cookie in a `Cookie` header, URL-decoded. */
export function parseCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      return decodeURIComponent(part.slice(separator + 1).trim());
    }
  }
  return undefined;
}

/** `path` below `basePath`: `withBase("/api/session", "/runtime/apps/1")`. */
export function withBase(path: string, basePath: string): string {
  const suffix = path.startsWith("/") ? path : `/${path}`;
  return `${normalizeBasePath(basePath)}${suffix}`;
}

/** The base path of a request: `x-forwarded-prefix`, else `KAMIWAZA_APP_PATH`, else "". */
export function getRequestBasePath(headers: Headers): string {
  return normalizeBasePath(headers.get("x-forwarded-prefix") ?? process.env.KAMIWAZA_APP_PATH);
}
