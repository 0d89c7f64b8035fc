// The client's types. Request and result types come from openapi.d.ts, generated from the
// service's OpenAPI document (scripts/generate-types.js), so they follow the service.
import type { components, operations } from "./openapi.js";

type Schemas = components["schemas"];
// Fields the server sets: the document lists them on request bodies as ignored.
type ServerSet = "id" | "account_id" | "created_at" | "updated_at";
type Body<T> = Omit<T, ServerSet>;
// Every answer carries every field; the document's schemas leave them optional.
type Result<T> = Required<T>;
type Query<T extends { parameters: { query?: unknown } }> = NonNullable<T["parameters"]["query"]>;

/** A carrier credential's metadata (never its values). Timestamps are ISO 8601 strings. */
export type Provider = Result<Schemas["ProviderCredential"]>;
/** A phone number. `agent_id` is null when it is pinned to no agent; `fallback_e164`
 * (where an inbound call goes when no agent can take it) null when it has none. */
export type PhoneNumber = Result<Schemas["PhoneNumber"]>;
/** Who answers a dialled number, and the credential to dial with (a platform key's read).
 * `inbound` is the routing rule the service applied (InboundRule). */
export type Route = Result<Schemas["Route"]>;
/** The routing rule: "agent" (inbound enabled, pinned), "fallback" (enabled, no agent,
 * forwarded to `fallback_e164`), "reject" (inbound disabled, or neither). */
export type InboundRule = Route["inbound"];
/** A credential as stored, sealed (a platform key's read, for the service that dials
 * out): `sealed` is the base64 of a libsodium sealed box of the credentials' JSON, to the
 * key `sealing_key_id` names. */
export type SealedCredential = Result<Schemas["SealedCredential"]>;

export type ProviderCreateParams = Body<Schemas["CreateProviderRequest"]>;
export type ProviderUpdateParams = Body<Schemas["UpdateProviderRequest"]>;
export type ProviderListParams = Query<operations["listProviders"]>;
export type NumberCreateParams = Body<Schemas["CreateNumberRequest"]>;
export type NumberUpdateParams = Body<Schemas["UpdateNumberRequest"]>;
export type NumberListParams = Query<operations["listNumbers"]>;
/** Who changed which credential or number, and when; `data` holds what changed. */
export type Event = Result<Schemas["Event"]>;
export type EventListParams = Query<operations["listEvents"]>;
/** The service's error codes: a closed set, stable across versions (its Problem schema). */
export type ErrorCode = Schemas["Problem"]["code"];

export type { components, operations, paths } from "./openapi.js";

export interface Logger {
  /** One line per attempt, and its parts; never the key or a credential. */
  debug(line: string, details: AttemptDetails): void;
}

export interface AttemptDetails {
  method: string;
  path: string;
  status: number | null;
  error: string | null;
  attempt: number;
  /** Milliseconds before the next attempt; null when there is none. */
  wait: number | null;
  requestId: string | null;
}

export interface ClientOptions {
  /** Default: KATAVEN_API_KEY; required. */
  apiKey?: string;
  /** Default: KATAVEN_BASE_URL, else https://api.kataven.ai/v1. */
  baseURL?: string;
  /** Sent as X-Account-ID (needed with a platform key). Default: KATAVEN_ACCOUNT_ID. */
  accountId?: string | null;
  /** Milliseconds per call, retries and their waits included. Default 30 000. */
  timeout?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Receives the per-attempt lines; default: stderr when KATAVEN_LOG=debug, else none. */
  logger?: Logger;
}

/** Per-call options: the last argument of every method. */
export interface RequestOptions {
  /** create only: the Idempotency-Key of every attempt; default, one made for the call. */
  idempotencyKey?: string;
  timeout?: number;
  maxRetries?: number;
  /** null: send no X-Account-ID. */
  accountId?: string | null;
}

/** What withRawResponse methods resolve to. */
export interface RawResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | null;
  /** true when the answer is the kept answer of an earlier request (Idempotent-Replayed). */
  replayed: boolean;
  /** Attempts beyond the first. */
  retries: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to resume after this page; null on the last page. */
  next_cursor: string | null;
}

/** Every item across pages, fetched a page at a time as iteration needs them. */
export interface ListResult<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<Page<T>>;
}

/** The same methods, resolving to the HTTP details with the data (a list: its first page). */
export type WithRawResponse<M> = {
  [K in keyof M]: M[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<RawResponse<R extends ListResult<infer T> ? Page<T> : Awaited<R>>>
    : never;
};

export interface ProviderMethods {
  list(params?: ProviderListParams, options?: RequestOptions): ListResult<Provider>;
  create(body: ProviderCreateParams, options?: RequestOptions): Promise<Provider>;
  get(id: string, options?: RequestOptions): Promise<Provider>;
  /** Resolves to the credential as the change left it (from the change's own answer; a
   * service too old to send it answers 204, and the credential is read back with a get). */
  update(id: string, body: ProviderUpdateParams, options?: RequestOptions): Promise<Provider>;
  delete(id: string, options?: RequestOptions): Promise<void>;
  /** A platform key only, acting for `options.accountId` (or the client's): the
   * credential sealed, never opened by the client. */
  sealed(id: string, options?: RequestOptions): Promise<SealedCredential>;
}

export interface NumberMethods {
  list(params?: NumberListParams, options?: RequestOptions): ListResult<PhoneNumber>;
  create(body: NumberCreateParams, options?: RequestOptions): Promise<PhoneNumber>;
  get(id: string, options?: RequestOptions): Promise<PhoneNumber>;
  /** update, pin and unpin resolve to the number as the change left it (from the change's
   * own answer; a service too old to send it answers 204, and the number is read back
   * with a get). */
  update(id: string, body: NumberUpdateParams, options?: RequestOptions): Promise<PhoneNumber>;
  pin(id: string, agentId: string, options?: RequestOptions): Promise<PhoneNumber>;
  unpin(id: string, options?: RequestOptions): Promise<PhoneNumber>;
  delete(id: string, options?: RequestOptions): Promise<void>;
}

export interface EventMethods {
  list(params?: EventListParams, options?: RequestOptions): ListResult<Event>;
}

export interface RouteMethods {
  /** A platform key only. The route of a registered number, e.g. "+12025550123" (sent
   * as %2B...); a NotFoundError when it is not registered (or, with an accountId sent,
   * another account's). */
  get(e164: string, options?: RequestOptions): Promise<Route>;
}

export interface Providers extends ProviderMethods {
  readonly withRawResponse: WithRawResponse<ProviderMethods>;
}

export interface Numbers extends NumberMethods {
  readonly withRawResponse: WithRawResponse<NumberMethods>;
}

export interface Events extends EventMethods {
  readonly withRawResponse: WithRawResponse<EventMethods>;
}

export interface Routes extends RouteMethods {
  readonly withRawResponse: WithRawResponse<RouteMethods>;
}

export interface Telephony {
  readonly providers: Providers;
  readonly numbers: Numbers;
  readonly events: Events;
  readonly routes: Routes;
}

export declare class Kataven {
  constructor(options?: ClientOptions);
  readonly telephony: Telephony;
  readonly baseURL: string;
  readonly accountId: string | null;
  readonly timeout: number;
  readonly maxRetries: number;
  /** A client like this one with some options changed. */
  withOptions(options: ClientOptions): Kataven;
}
export default Kataven;

export declare const VERSION: string;

export declare class KatavenError extends Error {}

export interface APIStatusErrorFields {
  status: number;
  message: string;
  requestId?: string | null;
  headers?: Headers;
  code?: ErrorCode;
  field?: string;
}

/** An answer with an error status. */
export declare class APIStatusError extends KatavenError {
  constructor(fields: APIStatusErrorFields);
  readonly status: number;
  /** The service's one-line message, naming the field (problem details' `detail`). */
  readonly message: string;
  /** What to tell errors apart by, e.g. "duplicate_number"; undefined when the answer
   * carries none (a proxy's own 502 or 429). */
  readonly code: ErrorCode | undefined;
  /** The field or parameter at fault (a dotted path, e.g. "e164"), when one is. */
  readonly field: string | undefined;
  /** X-Request-ID: quote it to support. */
  readonly requestId: string | null;
  readonly headers: Headers;
  /** "BadRequestError: 400 <message> (request id <id>)" */
  toString(): string;
}
export declare class BadRequestError extends APIStatusError {}
export declare class AuthenticationError extends APIStatusError {}
export declare class PermissionDeniedError extends APIStatusError {}
export declare class NotFoundError extends APIStatusError {}
export declare class ConflictError extends APIStatusError {}
export declare class RequestTooLargeError extends APIStatusError {}
export declare class UnprocessableEntityError extends APIStatusError {}
export declare class RateLimitError extends APIStatusError {}
export declare class InternalServerError extends APIStatusError {}
export declare class BadGatewayError extends APIStatusError {}
export declare class ServiceUnavailableError extends APIStatusError {}

/** No answer: the connection was refused, reset or closed first. */
export declare class APIConnectionError extends KatavenError {
  constructor(message?: string, options?: ErrorOptions);
}
/** The call's time budget ran out. */
export declare class APITimeoutError extends APIConnectionError {}
