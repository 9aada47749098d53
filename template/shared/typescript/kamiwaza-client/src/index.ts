export {
  ApiKeyAuthenticator,
  type Authenticator,
  extractIdentity,
  ForwardAuthAuthenticator,
  forwardAuthHeaders,
  type HeaderSource,
  type Identity,
  NoAuthAuthenticator,
} from "./auth.js";
export { KamiwazaClient, type KamiwazaClientConfig, type RequestOptions } from "./client.js";
export { APIError, AuthenticationError, ConfigurationError, KamiwazaError } from "./errors.js";
export { type ActiveDeployment, type Deployment, type Instance, ServingService } from "./serving.js";
