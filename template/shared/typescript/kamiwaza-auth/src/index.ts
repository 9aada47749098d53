export { BASE_PATH_COOKIE, getRequestBasePath, normalizeBasePath, parseCookie, withBase } from "./base-path.js";
export { buildTargetUrl, extractIdentity, FORWARD_AUTH_HEADERS, forwardHeaders, type KamiwazaIdentity } from "./server.js";
export {
  calculateTimeRemaining,
  fetchSession,
  getLoginUrl,
  isAuthenticated,
  logout,
  type LogoutResponse,
  type SessionData,
  SessionExpiredError,
  type SessionOptions,
} from "./session.js";
