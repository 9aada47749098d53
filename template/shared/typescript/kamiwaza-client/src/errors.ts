/** Base class of every error this package throws. */
export class KamiwazaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Kamiwaza answered with an HTTP error status. */
export class APIError extends KamiwazaError {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly responseText: string,
    readonly responseData?: unknown,
  ) {
    super(message);
  }
}

/** Kamiwaza answered 401 and a token refresh did not help. */
export class AuthenticationError extends APIError {}

/** The client lacks a setting it needs, such as the API URL. */
export class ConfigurationError extends KamiwazaError {}
