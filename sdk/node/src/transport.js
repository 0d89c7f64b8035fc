// The one module that speaks HTTP: headers, the call's time budget, retries with backoff
// and Retry-After, the Idempotency-Key of every POST, the debug log, and the errors.
// Resources only say which operation they call.
import { randomUUID } from "node:crypto";
import { APIConnectionError, APITimeoutError, KatavenError, errorForAnswer } from "./errors.js";
import { VERSION } from "./version.js";

// Answers worth another attempt. Any other error status is final: a 409 here is a real
// conflict, and a 400 will not change by asking again.
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
// Connection failures that prove the request never left: nothing can have happened.
const NEVER_SENT = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const CALL_OPTIONS = ["idempotencyKey", "timeout", "maxRetries", "accountId"];

/** Milliseconds before retry n (0, 1, ...): 0.5 s doubling, capped at 8 s, less up to 25%. */
export function backoff(retry, random = Math.random) {
  return Math.min(0.5 * 2 ** retry, 8) * (1 - 0.25 * random()) * 1000;
}

/** Milliseconds a Retry-After value asks for (seconds, decimals allowed, or an HTTP date);
 * null when absent or unreadable. */
export function retryAfter(value, now = Date.now()) {
  if (value == null) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/[A-Za-z]/.test(text)) return null;
  const when = Date.parse(text);
  return Number.isNaN(when) ? null : Math.max(0, when - now);
}

/** Throws a TypeError unless timeout (ms) and maxRetries are usable. */
export function checkLimits({ timeout, maxRetries }) {
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new TypeError(`timeout must be a positive number of milliseconds, not ${timeout}`);
  }
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new TypeError(`maxRetries must be a whole number from 0, not ${maxRetries}`);
  }
}

export function checkOptionNames(options, allowed) {
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      throw new TypeError(`unknown option ${name}: expected one of ${allowed.join(", ")}`);
    }
  }
}

export class Transport {
  // Private, so that inspecting or logging a client never shows the key.
  #apiKey;

  constructor({ apiKey, baseURL, accountId, timeout, maxRetries, logger }) {
    this.#apiKey = apiKey;
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.accountId = accountId;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    this.logger = logger;
  }

  /**
   * One call: attempts until an answer is final, the retries are spent, or the next wait
   * would end past the budget. Resolves to { data, status, headers, requestId, replayed,
   * retries }; throws the last error otherwise. `representation`: a change that asks for
   * the changed object back (Prefer: return=representation).
   */
  async request({ method, path, query, body, representation = false, options = {} }) {
    const call = this.#callSettings(options);
    const deadline = performance.now() + call.timeout;
    const url = this.#url(path, query);
    const init = {
      method,
      headers: this.#headers(call, method, body, representation),
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    let sentBefore = false; // an earlier attempt may have reached the server
    for (let retries = 0; ; retries += 1) {
      const { response, text, error, sent } = await this.#attempt(url, init, deadline, call.timeout);
      const requestId = response?.headers.get("x-request-id") ?? null;
      const log = { method, path, attempt: retries + 1, attempts: call.maxRetries + 1, requestId };
      if (response?.ok || (response?.status === 404 && method === "DELETE" && sentBefore)) {
        // A DELETE whose earlier attempt may have run and whose retry finds nothing: done.
        this.#log({ ...log, status: response.status, wait: null });
        return {
          data: response.ok ? parse(response, text) : undefined,
          status: response.status,
          headers: response.headers,
          requestId,
          replayed: response.headers.get("idempotent-replayed") === "true",
          retries,
        };
      }
      const failure = error ?? errorForAnswer({ status: response.status, headers: response.headers, text });
      const wait = this.#wait(call, retries, deadline, failure, response);
      this.#log({ ...log, status: response?.status ?? null, error: error ?? null, wait });
      if (wait === null) throw failure;
      // A 5xx may have come from a proxy after the service acted (a 504, say); a 429 was
      // refused before anything ran. The Python SDK reads it the same way.
      sentBefore ||= sent || (response !== undefined && response.status !== 429);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Milliseconds to wait before the next attempt, or null when there is none. */
  #wait(call, retries, deadline, failure, response) {
    const retried = response ? RETRIED_STATUSES.has(response.status) : !(failure instanceof APITimeoutError);
    if (!retried || retries >= call.maxRetries) return null;
    const wait = (response && retryAfter(response.headers.get("retry-after"))) ?? backoff(retries);
    // A retry that could not finish within the budget is not started.
    return performance.now() + wait >= deadline ? null : wait;
  }

  /** One request, aborted at the budget's end: { response, text } or { error, sent }. */
  async #attempt(url, init, deadline, budget) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - performance.now()));
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      return { response, text: await response.text() };
    } catch (cause) {
      if (controller.signal.aborted) {
        return { error: new APITimeoutError(`no answer within the call's ${budget} ms`, { cause }), sent: true };
      }
      return { error: new APIConnectionError(connectionFailure(url, cause), { cause }), sent: !neverSent(cause) };
    } finally {
      clearTimeout(timer);
    }
  }

  #callSettings(options) {
    checkOptionNames(options, CALL_OPTIONS);
    checkLimits(options);
    return {
      timeout: options.timeout ?? this.timeout,
      maxRetries: options.maxRetries ?? this.maxRetries,
      accountId: options.accountId === undefined ? this.accountId : options.accountId,
      idempotencyKey: options.idempotencyKey,
    };
  }

  #url(path, query = {}) {
    const url = new URL(this.baseURL + path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url;
  }

  #headers(call, method, body, representation) {
    const headers = {
      // Success bodies are JSON; errors, problem details with a stable code.
      Accept: "application/json, application/problem+json",
      Authorization: `Bearer ${this.#apiKey}`,
      "User-Agent": `kataven-node/${VERSION}`,
    };
    if (call.accountId !== null && call.accountId !== undefined) headers["X-Account-ID"] = call.accountId;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // A change that answers the object as it left it (RFC 7240), not a bare 204.
    if (representation) headers.Prefer = "return=representation";
    // Every POST creates, and is sent with a key made once per call: every attempt sends
    // the same one, so a retry after a lost answer replays it instead of creating twice.
    if (method === "POST") headers["Idempotency-Key"] = call.idempotencyKey ?? randomUUID();
    return headers;
  }

  /** A line per attempt: method, path, status or error, attempt, wait, request id. */
  #log({ method, path, attempt, attempts, status, error, wait, requestId }) {
    if (!this.logger) return;
    let line = `kataven: ${method} ${path} -> ${status ?? `${error.name}: ${error.message}`}`;
    line += ` (attempt ${attempt} of ${attempts}`;
    if (wait !== null) line += `, retrying in ${(wait / 1000).toFixed(2)} s`;
    line += requestId ? `, request id ${requestId})` : ")";
    this.logger.debug(line, { method, path, status, error: error?.message ?? null, attempt, wait, requestId });
  }
}

function parse(response, text) {
  if (response.status === 204 || text === "") return undefined;
  if (!(response.headers.get("content-type") ?? "").includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new KatavenError(`the ${response.status} answer is not valid JSON`, { cause });
  }
}

function neverSent(error) {
  const reason = error?.cause ?? error;
  const codes = Array.isArray(reason?.errors) ? reason.errors.map((e) => e.code) : [reason?.code];
  return codes.length > 0 && codes.every((code) => NEVER_SENT.has(code));
}

/** The host an attempt tried and what the system said, e.g. "could not connect to
 * api.kataven.ai:443: name not resolved (ENOTFOUND)", or "no answer from 127.0.0.1:8000:
 * connection reset (ECONNRESET)" when the request may have been sent. */
export function connectionFailure(url, error) {
  const where = `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
  const verb = neverSent(error) ? "could not connect to" : "no answer from";
  return `${verb} ${where}: ${systemCause(error)}`;
}

// What the system's error codes mean, in words (the Python SDK uses the same); the code
// follows in parentheses.
const REASONS = {
  ECONNREFUSED: "connection refused", ENOTFOUND: "name not resolved", EAI_AGAIN: "name not resolved",
  ECONNRESET: "connection reset", ECONNABORTED: "connection aborted", EPIPE: "connection closed",
  ETIMEDOUT: "timed out", ENETUNREACH: "network unreachable", EHOSTUNREACH: "host unreachable",
  UND_ERR_SOCKET: "closed before an answer", UND_ERR_CONNECT_TIMEOUT: "connect timed out",
};

/** fetch's "fetch failed" hides the cause: the socket's error (or, when several addresses
 * were tried, an AggregateError of them) is its `cause`. */
function systemCause(error) {
  const reason = error?.cause ?? error;
  const code = reason?.code ?? (Array.isArray(reason?.errors) ? reason.errors.find((e) => e?.code)?.code : undefined);
  if (!code) return reason?.message || error?.message || String(error);
  return `${REASONS[code] ?? reason.message ?? "failed"} (${code})`;
}
