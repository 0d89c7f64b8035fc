// kataven: the Kataven Hub API client for JavaScript and TypeScript.
export { Kataven } from "./client.js";
export {
  KatavenError,
  APIStatusError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RequestTooLargeError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  BadGatewayError,
  ServiceUnavailableError,
  APIConnectionError,
  APITimeoutError,
} from "./errors.js";
export { VERSION } from "./version.js";
export { Kataven as default } from "./client.js";
