// Retries, safely: lost answers never make a second object, 429/5xx/connection failures
// are retried with backoff and Retry-After, other 4xx never, and one budget per call holds.
// The real service behind a fault proxy where it can be, fake servers for the rest.
import assert from "node:assert/strict";
import net from "node:net";
import { describe, test } from "node:test";
import {
  APIConnectionError,
  APITimeoutError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  Kataven,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from "kataven";
import { backoff, connectionFailure, retryAfter } from "../src/transport.js";
import {
  TWILIO,
  accountClient,
  collect,
  fakeServer,
  faultProxy,
  freshAccount,
  rejection,
  recordingLogger,
  service,
  uniqueE164,
} from "./support.js";

// Timing bounds leave room for a loaded machine: what they catch is a call that runs
// seconds past its budget, or retries that never wait.
const SLACK_MS = 1500;

/** A client of the service through a proxy, with the platform key and a fresh account. */
function throughProxy(proxy, options = {}) {
  return new Kataven({ apiKey: service.platformKey, baseURL: proxy.baseURL, accountId: freshAccount(), ...options });
}

function direct(client) {
  return new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL, accountId: client.accountId });
}

describe("lost answers", { concurrency: true }, () => {
  test("a create whose answer is lost is retried with its key and makes one object", async () => {
    const proxy = await faultProxy((request, index) => (index === 0 ? "lose" : "forward"));
    try {
      const client = throughProxy(proxy);
      const logger = recordingLogger();
      const created = await client.withOptions({ logger }).telephony.providers.withRawResponse.create({ provider: "twilio", credentials: TWILIO });
      assert.equal(created.status, 201);
      assert.equal(created.replayed, true);
      assert.equal(created.retries, 1);
      assert.deepEqual(proxy.received.map((r) => [r.method, r.outcome, r.status]), [["POST", "lose", 201], ["POST", "forward", 201]]);
      const keys = proxy.received.map((r) => r.headers["idempotency-key"]);
      assert.match(keys[0], /^[0-9a-f-]{36}$/);
      assert.equal(keys[1], keys[0]);
      const stored = await collect(direct(client).telephony.providers.list());
      assert.deepEqual(stored.map((p) => p.id), [created.data.id]);
      assert.equal(logger.lines.length, 2);
      assert.match(logger.lines[0], /^kataven: POST \/telephony\/providers -> APIConnectionError: .* \(attempt 1 of 3, retrying in \d\.\d\d s\)$/);
    } finally {
      await proxy.close();
    }
  });

  test("a number's create with the caller's key, answer lost, makes one number", async () => {
    const proxy = await faultProxy((request) => (request.method === "POST" && request.url.endsWith("/numbers") && !proxy.lost ? (proxy.lost = "lose") : "forward"));
    try {
      const client = throughProxy(proxy);
      const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
      const e164 = uniqueE164();
      const number = await client.telephony.numbers.create({ e164, credentials_id: cred.id }, { idempotencyKey: `register-${e164}` });
      const posts = proxy.received.filter((r) => r.url.endsWith("/numbers"));
      assert.deepEqual(posts.map((r) => r.headers["idempotency-key"]), [`register-${e164}`, `register-${e164}`]);
      assert.deepEqual((await collect(direct(client).telephony.numbers.list({ e164 }))).map((n) => n.id), [number.id]);
    } finally {
      await proxy.close();
    }
  });

  test("a delete whose answer is lost, and whose retry finds nothing, has succeeded", async () => {
    const proxy = await faultProxy((request) => (request.method === "DELETE" && !proxy.lost ? (proxy.lost = "lose") : "forward"));
    try {
      const client = throughProxy(proxy);
      const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
      const result = await client.telephony.providers.withRawResponse.delete(cred.id);
      assert.equal(result.data, undefined);
      assert.equal(result.status, 404);
      assert.equal(result.retries, 1);
      const deletes = proxy.received.filter((r) => r.method === "DELETE");
      assert.deepEqual(deletes.map((r) => [r.outcome, r.status]), [["lose", 204], ["forward", 404]]);
      assert.ok((await rejection(direct(client).telephony.providers.get(cred.id))) instanceof NotFoundError);
    } finally {
      await proxy.close();
    }
  });

  test("a delete retried after a gateway's 504 and answered 404 has succeeded; after a 429, not", async () => {
    const plans = {};
    for (const first of [504, 429]) {
      const server = await fakeServer((request, index) =>
        (index === 0 ? { status: first, body: "first\n", headers: { "Retry-After": "0" } } : { status: 404, body: "phone number not found\n" }));
      try {
        const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL });
        plans[first] = await client.telephony.numbers.delete("n1").then(() => "done", (error) => error);
        assert.equal(server.received.length, 2);
      } finally {
        await server.close();
      }
    }
    assert.equal(plans[504], "done");
    assert.ok(plans[429] instanceof NotFoundError);
  });

  test("a delete of nothing, with no earlier attempt, is still a NotFoundError", async () => {
    const proxy = await faultProxy(() => "forward");
    try {
      const error = await rejection(throughProxy(proxy).telephony.numbers.delete("00000000-0000-4000-8000-000000000000"));
      assert.ok(error instanceof NotFoundError);
      assert.equal(proxy.received.length, 1);
    } finally {
      await proxy.close();
    }
  });

  test("a pin whose answer is lost is sent again and holds", async () => {
    const proxy = await faultProxy((request) => (request.method === "PATCH" && !proxy.lost ? (proxy.lost = "lose") : "forward"));
    try {
      const client = throughProxy(proxy);
      const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
      const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
      const pinned = await client.telephony.numbers.pin(number.id, "agent_lost");
      assert.equal(pinned.agent_id, "agent_lost");
      assert.deepEqual(proxy.received.filter((r) => r.method === "PATCH").map((r) => r.status), [200, 200]);
      assert.equal((await client.telephony.numbers.get(number.id)).agent_id, "agent_lost");
    } finally {
      await proxy.close();
    }
  });
});

describe("retried answers", { concurrency: true }, () => {
  test("a 503 with Retry-After is waited out, then the service answers", async () => {
    const proxy = await faultProxy((request, index) => (index === 0 ? { status: 503, headers: { "Retry-After": "0.8" }, body: "busy\n" } : "forward"));
    try {
      const client = throughProxy(proxy);
      const page = await client.telephony.numbers.withRawResponse.list();
      assert.deepEqual(page.data, { items: [], next_cursor: null });
      assert.equal(page.retries, 1);
      // The backoff alone would have waited at most 0.5 s.
      assert.ok(proxy.received[1].at - proxy.received[0].at >= 790, "Retry-After was not honoured");
    } finally {
      await proxy.close();
    }
  });

  for (const status of [429, 500, 502, 503, 504]) {
    test(`a create answered ${status} is retried with the same key`, async () => {
      const server = await fakeServer((request, index) => (index === 0
        ? { status, body: "try again\n" }
        : { status: 201, headers: { "Content-Type": "application/json" }, body: '{"id":"p1"}' }));
      try {
        const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL });
        const result = await client.telephony.providers.withRawResponse.create({ provider: "twilio", credentials: TWILIO });
        assert.deepEqual(result.data, { id: "p1" });
        assert.equal(result.retries, 1);
        assert.equal(server.received.length, 2);
        assert.equal(server.received[1].headers["idempotency-key"], server.received[0].headers["idempotency-key"]);
        assert.equal(server.received[1].body, server.received[0].body);
      } finally {
        await server.close();
      }
    });
  }

  test("a refused connection is retried maxRetries times, then an APIConnectionError", async () => {
    const port = await closedPort();
    const logger = recordingLogger();
    const client = new Kataven({ apiKey: "kvn_test", baseURL: `http://127.0.0.1:${port}/api/v1`, maxRetries: 2, logger });
    const error = await rejection(client.telephony.numbers.get("n1"));
    assert.ok(error instanceof APIConnectionError && !(error instanceof APITimeoutError));
    assert.equal(error.message, `could not connect to 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    assert.equal(logger.lines.length, 3);
    assert.deepEqual(logger.details.map((d) => [d.attempt, d.wait === null]), [[1, false], [2, false], [3, true]]);
  });

  test("a host whose name does not resolve is named, with the cause", async () => {
    const client = new Kataven({ apiKey: "kvn_test", baseURL: "https://api.kataven.invalid/v1", maxRetries: 0 });
    const error = await rejection(client.telephony.numbers.get("n1"));
    assert.ok(error instanceof APIConnectionError);
    assert.match(error.message, /^could not connect to api\.kataven\.invalid:443: name not resolved \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  test("a connection reset before the answer names the host and the cause", async () => {
    const server = net.createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address();
      const client = new Kataven({ apiKey: "kvn_test", baseURL: `http://127.0.0.1:${port}/api/v1`, maxRetries: 0 });
      const error = await rejection(client.telephony.numbers.get("n1"));
      assert.equal(error.message, `no answer from 127.0.0.1:${port}: connection reset (ECONNRESET)`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a connection closed before an answer is retried, for a GET too", async () => {
    const server = await fakeServer((request, index) => (index === 0 ? "drop" : { status: 200, headers: { "Content-Type": "application/json" }, body: '{"id":"n1"}' }));
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL });
      assert.deepEqual(await client.telephony.numbers.get("n1"), { id: "n1" });
      assert.equal(server.received.length, 2);
    } finally {
      await server.close();
    }
  });

  test("maxRetries: 0, per call, makes one attempt", async () => {
    const server = await fakeServer(() => ({ status: 503, body: "down\n" }));
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, maxRetries: 5 });
      const error = await rejection(client.telephony.numbers.get("n1", { maxRetries: 0 }));
      assert.ok(error instanceof ServiceUnavailableError);
      assert.equal(error.message, "down");
      assert.equal(server.received.length, 1);
    } finally {
      await server.close();
    }
  });
});

describe("answers never retried", { concurrency: true }, () => {
  const cases = [
    [400, BadRequestError],
    [401, undefined],
    [403, undefined],
    [404, NotFoundError],
    [409, ConflictError],
    [413, undefined],
    [422, UnprocessableEntityError],
  ];
  for (const [status, type] of cases) {
    test(`${status} is answered after exactly one request, for every method`, async () => {
      const server = await fakeServer(() => ({ status, body: `status ${status}\n` }));
      try {
        const numbers = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, maxRetries: 3 }).telephony.numbers;
        const calls = [
          () => numbers.create({ e164: "+12025550123", credentials_id: "c1" }),
          () => collect(numbers.list()),
          () => numbers.get("n1"),
          () => numbers.update("n1", { agent_id: "a" }),
          () => numbers.delete("n1"),
        ];
        for (const call of calls) {
          const before = server.received.length;
          const error = await rejection(call());
          assert.equal(error.status, status);
          if (type) assert.ok(error instanceof type, `${error.name} for ${status}`);
          assert.equal(server.received.length, before + 1, `${server.received.at(-1).method} sent again after ${status}`);
        }
      } finally {
        await server.close();
      }
    });
  }
});

describe("one time budget per call", { concurrency: true }, () => {
  test("an always-503 server: retried, then the last error, within the budget", async () => {
    const server = await fakeServer(() => ({ status: 503, body: "encryption service unavailable\n" }));
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, timeout: 2000, maxRetries: 10 });
      const started = performance.now();
      const error = await rejection(client.telephony.providers.create({ provider: "twilio", credentials: TWILIO }));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof ServiceUnavailableError);
      assert.equal(error.message, "encryption service unavailable");
      assert.ok(server.received.length >= 2, "never retried");
      assert.ok(server.received.length <= 4, `${server.received.length} attempts in 2 s: backoff not applied`);
      assert.ok(elapsed <= 2000 + SLACK_MS, `took ${elapsed} ms`);
      // Each wait was at least 75% of 0.5 s doubling.
      for (let n = 1; n < server.received.length; n += 1) {
        const gap = server.received[n].at - server.received[n - 1].at;
        assert.ok(gap >= 0.75 * 500 * 2 ** (n - 1) - 10, `wait ${n} was ${gap} ms`);
      }
    } finally {
      await server.close();
    }
  });

  test("a Retry-After past the budget is not waited for: the error comes at once", async () => {
    const server = await fakeServer(() => ({ status: 429, headers: { "Retry-After": "30" }, body: "slow down\n" }));
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, timeout: 5000 });
      const started = performance.now();
      const error = await rejection(client.telephony.numbers.get("n1"));
      assert.ok(error instanceof RateLimitError);
      assert.equal(error.headers.get("retry-after"), "30");
      assert.equal(server.received.length, 1);
      assert.ok(performance.now() - started < SLACK_MS);
    } finally {
      await server.close();
    }
  });

  test("a server that never answers: APITimeoutError at the budget, not retried", async () => {
    const server = await fakeServer(() => "hang");
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, timeout: 30_000 });
      const started = performance.now();
      const error = await rejection(client.telephony.numbers.get("n1", { timeout: 700 }));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof APITimeoutError);
      assert.ok(error instanceof APIConnectionError);
      assert.equal(error.message, "no answer within the call's 700 ms");
      assert.ok(elapsed >= 690 && elapsed <= 700 + SLACK_MS, `took ${elapsed} ms`);
      assert.equal(server.received.length, 1);
    } finally {
      await server.close();
    }
  });

  test("the budget covers the wait and the attempts after it", async () => {
    const server = await fakeServer((request, index) => (index === 0 ? { status: 500, body: "database error\n" } : "hang"));
    try {
      const client = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, timeout: 1500 });
      const started = performance.now();
      const error = await rejection(client.telephony.numbers.delete("n1"));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof APITimeoutError, error.name);
      assert.equal(server.received.length, 2);
      assert.ok(elapsed >= 1490 && elapsed <= 1500 + SLACK_MS, `took ${elapsed} ms`);
    } finally {
      await server.close();
    }
  });
});

describe("the rules", () => {
  test("backoff: 0.5 s doubling, capped at 8 s, less up to a quarter", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoff(n, () => 0)), [500, 1000, 2000, 4000, 8000, 8000]);
    assert.deepEqual([0, 4].map((n) => backoff(n, () => 1)), [375, 6000]);
    for (let i = 0; i < 100; i += 1) {
      const wait = backoff(1);
      assert.ok(wait > 750 && wait <= 1000);
    }
  });

  test("a connection error names the host and the cause, also when several addresses failed", () => {
    const refused = (address) => Object.assign(new Error(`connect ECONNREFUSED ${address}:8000`), { code: "ECONNREFUSED" });
    // Node's happy eyeballs: every address of the name refused, the codes inside.
    const aggregate = Object.assign(new TypeError("fetch failed"), { cause: new AggregateError([refused("::1"), refused("127.0.0.1")]) });
    assert.equal(connectionFailure(new URL("http://localhost:8000/api/v1"), aggregate), "could not connect to localhost:8000: connection refused (ECONNREFUSED)");
    const unknown = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("something odd"), { code: "EODD" }) });
    assert.equal(connectionFailure(new URL("https://api.kataven.ai/v1"), unknown), "no answer from api.kataven.ai:443: something odd (EODD)");
    assert.equal(connectionFailure(new URL("http://h.test/v1"), new TypeError("fetch failed")), "no answer from h.test:80: fetch failed");
  });

  test("Retry-After: seconds, decimal seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    assert.equal(retryAfter("2", now), 2000);
    assert.equal(retryAfter(" 0.25 ", now), 250);
    assert.equal(retryAfter("Sat, 28 Nov 2026 12:00:03 GMT", now), 3000);
    assert.equal(retryAfter("Sat, 28 Nov 2026 11:00:00 GMT", now), 0);
    for (const unreadable of [null, undefined, "", "soon", "-1", "1e3"]) {
      assert.equal(retryAfter(unreadable, now), null, String(unreadable));
    }
  });

  test("other 5xx are InternalServerError, other 4xx the base APIStatusError", async () => {
    const server = await fakeServer((request) => ({ status: Number(request.url.split("/").at(-1)), body: "" }));
    try {
      const numbers = new Kataven({ apiKey: "kvn_test", baseURL: server.baseURL, maxRetries: 0 }).telephony.numbers;
      const error501 = await rejection(numbers.get("501"));
      assert.ok(error501 instanceof InternalServerError);
      assert.equal(error501.message, "501 status code (no body)");
      const error418 = await rejection(numbers.get("418"));
      assert.equal(error418.constructor.name, "APIStatusError");
      assert.equal(error418.status, 418);
    } finally {
      await server.close();
    }
  });
});

/** A port nothing listens on: bound, then closed. */
function closedPort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
