// The errors a call can throw: one class per status under APIStatusError, and
// APIConnectionError (with APITimeoutError) for answers that never came; all KatavenError.
// An error answer is read as the service's RFC 9457 problem details (the client asks for
// them), which carry a stable code and the field at fault, or as its one line of text (a
// proxy's answer, say), which carries neither.

const PROBLEM = "application/problem+json";

export class KatavenError extends Error {}

/** An answer with an error status: its status, one-line message, stable code (undefined
 * when the answer has none), the field at fault, request id and headers. */
export class APIStatusError extends KatavenError {
  constructor({ status, message, requestId = null, headers = new Headers(), code = undefined, field = undefined }) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.requestId = requestId;
    this.headers = headers;
  }

  /** "BadRequestError: 400 duplicate number: ... (request id 3f2a...)" */
  toString() {
    const id = this.requestId ? ` (request id ${this.requestId})` : "";
    return `${this.name}: ${this.status} ${this.message}${id}`;
  }
}

export class BadRequestError extends APIStatusError {}
export class AuthenticationError extends APIStatusError {}
export class PermissionDeniedError extends APIStatusError {}
export class NotFoundError extends APIStatusError {}
export class ConflictError extends APIStatusError {}
export class RequestTooLargeError extends APIStatusError {}
export class UnprocessableEntityError extends APIStatusError {}
export class RateLimitError extends APIStatusError {}
export class InternalServerError extends APIStatusError {}
export class BadGatewayError extends APIStatusError {}
export class ServiceUnavailableError extends APIStatusError {}

/** No answer: the connection was refused, reset or closed first. */
export class APIConnectionError extends KatavenError {
  constructor(message = "connection error", options) {
    super(message, options);
  }
}

/** The call's time budget ran out before an answer came. */
export class APITimeoutError extends APIConnectionError {
  constructor(message = "request timed out", options) {
    super(message, options);
  }
}

for (const type of [
  KatavenError, APIStatusError, BadRequestError, AuthenticationError, PermissionDeniedError,
  NotFoundError, ConflictError, RequestTooLargeError, UnprocessableEntityError,
  RateLimitError, InternalServerError, BadGatewayError, ServiceUnavailableError,
  APIConnectionError, APITimeoutError,
]) {
  // `name` on the prototype, so that stack traces and inspect() show the class.
  Object.defineProperty(type.prototype, "name", { value: type.name, configurable: true });
}

const BY_STATUS = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: RequestTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  502: BadGatewayError,
  503: ServiceUnavailableError,
};

/** The error for an answer's status: its own class, InternalServerError for other 5xx. */
export function errorForStatus(fields) {
  const type = BY_STATUS[fields.status] ?? (fields.status >= 500 ? InternalServerError : APIStatusError);
  return new type(fields);
}

/** The error for an error answer (a fetch Response's status and headers, and its body):
 * the problem details' detail, code, field and request id; or the text line. */
export function errorForAnswer({ status, headers, text }) {
  const requestId = headers.get("x-request-id");
  const problem = (headers.get("content-type") ?? "").startsWith(PROBLEM) ? problemOf(text) : null;
  if (problem) {
    return errorForStatus({
      status, headers, message: problem.detail, code: word(problem.code), field: word(problem.field),
      requestId: word(problem.request_id) ?? requestId,
    });
  }
  const message = text.replace(/\r?\n$/, "") || `${status} status code (no body)`;
  return errorForStatus({ status, headers, message, requestId });
}

function problemOf(text) {
  try {
    const problem = JSON.parse(text);
    return problem && typeof problem === "object" && word(problem.detail) ? problem : null;
  } catch {
    return null;
  }
}

function word(value) {
  return typeof value === "string" && value !== "" ? value : undefined;
}
