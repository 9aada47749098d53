/**
 * A small client for the Kamiwaza REST API, for extension backends and
 * server-side routes (it reads `process.env`).
 */

import { ApiKeyAuthenticator, type Authenticator, NoAuthAuthenticator } from "./auth.js";
import { APIError, AuthenticationError, ConfigurationError } from "./errors.js";
import { ServingService } from "./serving.js";

export interface KamiwazaClientConfig {
  /** API base URL; default `KAMIWAZA_API_URL`, then `KAMIWAZA_BASE_URL`. */
  baseUrl?: string;
  /** Public API URL that browsers reach; default `KAMIWAZA_PUBLIC_API_URL`, then `baseUrl`. */
  publicApiUrl?: string;
  /** API key; default `KAMIWAZA_API_KEY`, then `KAMIWAZA_API_TOKEN`. */
  apiKey?: string;
  /** Replaces the API key authenticator. */
  authenticator?: Authenticator;
}

export interface RequestOptions {
  /** Query parameters; undefined values are left out. */
  params?: Record<string, string | number | boolean | undefined>;
  /** Body sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Send no credentials. */
  skipAuth?: boolean;
}

export class KamiwazaClient {
  readonly baseUrl: string;
  readonly publicApiUrl: string;
  readonly authenticator: Authenticator;
  private servingService?: ServingService;

  constructor(config: KamiwazaClientConfig = {}) {
    const env = process.env;
    const baseUrl = config.baseUrl ?? env.KAMIWAZA_API_URL ?? env.KAMIWAZA_BASE_URL;
    if (!baseUrl) {
      throw new ConfigurationError("no Kamiwaza API URL: pass baseUrl or set KAMIWAZA_API_URL");
    }
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.publicApiUrl = (config.publicApiUrl ?? env.KAMIWAZA_PUBLIC_API_URL ?? this.baseUrl).replace(/\/+$/, "");
    const apiKey = config.apiKey ?? env.KAMIWAZA_API_KEY ?? env.KAMIWAZA_API_TOKEN;
    this.authenticator =
      config.authenticator ?? (apiKey ? new ApiKeyAuthenticator(apiKey) : new NoAuthAuthenticator());
  }

  /** Model deployments (`/serving/...`). */
  get serving(): ServingService {
    this.servingService ??= new ServingService(this);
    return this.servingService;
  }

  /** The bearer token the authenticator uses, if any. */
  getBearerToken(): string | undefined {
    return this.authenticator.getAccessToken();
  }

  /** Scheme, host and port of the public API URL. */
  getPublicBaseOrigin(): string {
    return new URL(this.publicApiUrl).origin;
  }

  get<T = unknown>(endpoint: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("GET", endpoint, options);
  }

  post<T = unknown>(endpoint: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("POST", endpoint, options);
  }

  put<T = unknown>(endpoint: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("PUT", endpoint, options);
  }

  patch<T = unknown>(endpoint: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("PATCH", endpoint, options);
  }

  delete<T = unknown>(endpoint: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("DELETE", endpoint, options);
  }

  /**
   * Sends a request. A 401 triggers one `refreshToken()` and, when that
   * succeeds, one retry; a second 401 is an `AuthenticationError`. A 204
   * gives undefined, JSON is parsed, anything else is returned as text.
   */
  async request<T = unknown>(method: string, endpoint: string, options: RequestOptions = {}): Promise<T> {
    let response = await this.send(method, endpoint, options);
    if (response.status === 401 && !options.skipAuth && (await this.authenticator.refreshToken())) {
      response = await this.send(method, endpoint, options);
    }
    const text = response.status === 204 ? "" : await response.text();
    const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
    const data = isJson && text ? JSON.parse(text) : text;
    if (response.status === 401) {
      throw new AuthenticationError(`${method} ${endpoint}: authentication failed`, 401, text, data);
    }
    if (!response.ok) {
      throw new APIError(`${method} ${endpoint} failed with HTTP ${response.status}`, response.status, text, data);
    }
    return (response.status === 204 ? undefined : data) as T;
  }

  private send(method: string, endpoint: string, options: RequestOptions): Promise<Response> {
    const url = new URL(`${this.baseUrl}/${endpoint.replace(/^\/+/, "")}`);
    for (const [name, value] of Object.entries(options.params ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers(options.headers);
    headers.set("accept", "application/json");
    if (!options.skipAuth) this.authenticator.authenticate(headers);
    let body: string | undefined;
    if (options.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(options.json);
    }
    return fetch(url, { method, headers, body });
  }
}
