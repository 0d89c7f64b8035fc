// The client's configuration, what it sends, its errors' fields and its debug log, seen by
// a recording server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import * as kataven from "kataven";
import { Kataven, KatavenError, NotFoundError, VERSION } from "kataven";
import { TWILIO, collect, fakeServer, rejection, recordingLogger } from "./support.js";

const JSON_OK = (body) => ({ status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** Runs fn(server) against a server answering every request with answer(request). */
async function withServer(answer, fn) {
  const server = await fakeServer(answer);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Runs fn with the KATAVEN_* environment replaced by env. */
function withEnv(env, fn) {
  const saved = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("KATAVEN_") && !k.startsWith("KATAVEN_TEST_")).map((k) => [k, process.env[k]]));
  for (const name of Object.keys(saved)) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe("configuration", () => {
  test("without an API key, construction throws a KatavenError naming KATAVEN_API_KEY", () => {
    withEnv({}, () => {
      assert.throws(() => new Kataven(), (error) => error instanceof KatavenError && /KATAVEN_API_KEY/.test(error.message));
    });
  });

  test("defaults: the public base URL, 30 s, 2 retries, no account", () => {
    withEnv({ KATAVEN_API_KEY: "kvn_env" }, () => {
      const client = new Kataven();
      assert.deepEqual(
        [client.baseURL, client.timeout, client.maxRetries, client.accountId],
        ["https://api.kataven.ai/v1", 30_000, 2, null],
      );
    });
  });

  test("the environment is used when options are not given, and options win", async () => {
    await withServer(() => JSON_OK({ id: "n1" }), async (server) => {
      const env = { KATAVEN_API_KEY: "kvn_from_env", KATAVEN_BASE_URL: server.baseURL, KATAVEN_ACCOUNT_ID: "acct_env" };
      const fromEnv = withEnv(env, () => new Kataven());
      await fromEnv.telephony.numbers.get("n1");
      const fromOptions = withEnv(env, () => new Kataven({ apiKey: "kvn_option", accountId: "acct_option", baseURL: `${server.baseURL}/` }));
      await fromOptions.telephony.numbers.get("n1");
      const [first, second] = server.received;
      assert.equal(first.headers.authorization, "Bearer kvn_from_env");
      assert.equal(first.headers["x-account-id"], "acct_env");
      assert.equal(second.headers.authorization, "Bearer kvn_option");
      assert.equal(second.headers["x-account-id"], "acct_option");
      assert.equal(second.url, "/api/v1/telephony/numbers/n1");
    });
  });

  test("a bad option is a TypeError naming it", () => {
    assert.throws(() => new Kataven({ apiKey: "k", max_retries: 1 }), /unknown option max_retries/);
    assert.throws(() => new Kataven({ apiKey: "k", timeout: -1 }), /timeout must be a positive number/);
    assert.throws(() => new Kataven({ apiKey: "k", maxRetries: 1.5 }), /maxRetries/);
    assert.throws(() => new Kataven({ apiKey: "k", baseURL: "not a url" }), KatavenError);
  });

  test("the client never shows its key", () => {
    const client = new Kataven({ apiKey: "kvn_secret_never_shown" });
    const shown = JSON.stringify(client) + inspect(client, { showHidden: true, depth: Infinity });
    assert.ok(!shown.includes("kvn_secret_never_shown"));
  });

  test("VERSION is the package's, and the service's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    // The service's version is written once, in app/__init__.py (setup.cfg reads it).
    const service = readFileSync(new URL("../../../app/__init__.py", import.meta.url), "utf8");
    assert.equal(VERSION, pkg.version);
    assert.equal(`__version__ = "${VERSION}"`, service.match(/^__version__ = .*$/m)[0]);
  });
});

describe("what is sent", () => {
  test("headers: the key, the account, JSON, the SDK's User-Agent", async () => {
    await withServer(() => JSON_OK({ id: "n1" }), async (server) => {
      const client = new Kataven({ apiKey: "kvn_1", baseURL: server.baseURL });
      await client.telephony.numbers.get("n1");
      await client.telephony.numbers.get("n1", { accountId: "acct_call" });
      await client.withOptions({ accountId: "acct_client" }).telephony.numbers.get("n1");
      await client.withOptions({ accountId: "acct_client" }).telephony.numbers.get("n1", { accountId: null });
      const [plain, perCall, perClient, removed] = server.received.map((r) => r.headers);
      assert.equal(plain.authorization, "Bearer kvn_1");
      assert.equal(plain.accept, "application/json, application/problem+json");
      assert.equal(plain["user-agent"], `kataven-node/${VERSION}`);
      assert.equal(plain["x-account-id"], undefined);
      assert.equal(plain["idempotency-key"], undefined);
      assert.equal(plain["content-type"], undefined);
      assert.equal(perCall["x-account-id"], "acct_call");
      assert.equal(perClient["x-account-id"], "acct_client");
      assert.equal(removed["x-account-id"], undefined);
    });
  });

  test("every create sends an Idempotency-Key: the caller's, or a new one per call", async () => {
    await withServer(() => ({ status: 201, headers: { "Content-Type": "application/json" }, body: "{}" }), async (server) => {
      const providers = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.providers;
      await providers.create({ provider: "twilio", credentials: TWILIO });
      await providers.create({ provider: "twilio", credentials: TWILIO });
      await providers.create({ provider: "twilio", credentials: TWILIO }, { idempotencyKey: "mine-1" });
      const keys = server.received.map((r) => r.headers["idempotency-key"]);
      assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(keys[1], keys[0]);
      assert.equal(keys[2], "mine-1");
      assert.equal(server.received[0].headers["content-type"], "application/json");
      assert.deepEqual(JSON.parse(server.received[0].body), { provider: "twilio", credentials: TWILIO });
    });
  });

  test("bodies as given: null sends null (unpin), absent fields stay out", async () => {
    await withServer(() => JSON_OK({ id: "n1" }), async (server) => {
      const numbers = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers;
      await numbers.unpin("n1");
      await numbers.pin("n1", "agent_7");
      await numbers.update("n1", { inbound_enabled: false });
      assert.deepEqual(server.received.map((r) => [r.method, JSON.parse(r.body)]), [
        ["PATCH", { agent_id: null }],
        ["PATCH", { agent_id: "agent_7" }],
        ["PATCH", { inbound_enabled: false }],
      ]);
    });
  });

  test("a change asks for the changed object back, and resolves to it", async () => {
    const changed = { id: "n1", agent_id: "agent_7" };
    await withServer(() => ({ ...JSON_OK(changed), headers: { "Content-Type": "application/json", "Preference-Applied": "return=representation" } }), async (server) => {
      const telephony = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony;
      assert.deepEqual(await telephony.numbers.pin("n1", "agent_7"), changed);
      assert.deepEqual(await telephony.numbers.unpin("n1"), changed);
      assert.deepEqual(await telephony.numbers.update("n1", { inbound_enabled: false }), changed);
      assert.deepEqual(await telephony.providers.update("p1", { label: "x" }), changed);
      const raw = await telephony.numbers.withRawResponse.pin("n1", "agent_7");
      assert.deepEqual([raw.status, raw.data, raw.headers.get("preference-applied")], [200, changed, "return=representation"]);
      assert.deepEqual(server.received.map((r) => [r.method, r.headers.prefer]), Array(5).fill(["PATCH", "return=representation"]));
    });
  });

  test("a change answered 204 by an older service is read back with a get", async () => {
    const number = { id: "n1", agent_id: "agent_7" };
    await withServer((request) => (request.method === "PATCH" ? { status: 204 } : JSON_OK(number)), async (server) => {
      const telephony = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony;
      assert.deepEqual(await telephony.numbers.pin("n1", "agent_7"), number);
      assert.deepEqual(await telephony.providers.update("p1", { label: "x" }), number);
      const raw = await telephony.numbers.withRawResponse.unpin("n1");
      assert.deepEqual([raw.status, raw.data], [204, number]); // the change's answer, the object read back
      assert.deepEqual(server.received.map((r) => `${r.method} ${r.url}`), [
        "PATCH /api/v1/telephony/numbers/n1", "GET /api/v1/telephony/numbers/n1",
        "PATCH /api/v1/telephony/providers/p1", "GET /api/v1/telephony/providers/p1",
        "PATCH /api/v1/telephony/numbers/n1", "GET /api/v1/telephony/numbers/n1",
      ]);
    });
  });

  test("filters are encoded (a + as %2B), absent ones left out; ids are escaped", async () => {
    await withServer(() => JSON_OK({ numbers: [], next_cursor: null }), async (server) => {
      const numbers = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers;
      await collect(numbers.list({ e164: "+12025550123", agent_id: undefined, limit: 5 }));
      await numbers.get("a/b?c").catch(() => {});
      assert.equal(server.received[0].url, "/api/v1/telephony/numbers?e164=%2B12025550123&limit=5");
      assert.equal(server.received[1].url, "/api/v1/telephony/numbers/a%2Fb%3Fc");
    });
  });

  test("a per-call option that does not exist is a TypeError; an id is required", async () => {
    const numbers = new Kataven({ apiKey: "k", baseURL: "http://127.0.0.1:9/api/v1" }).telephony.numbers;
    await assert.rejects(numbers.get("n1", { idempotency_key: "x" }), /unknown option idempotency_key/);
    await assert.rejects(numbers.get(undefined), TypeError);
  });
});

describe("lists", () => {
  const pages = {
    undefined: { numbers: [{ id: "a" }, { id: "b" }], next_cursor: "c1" },
    c1: { numbers: [{ id: "c" }], next_cursor: "c2" },
    c2: { numbers: [{ id: "d" }], next_cursor: null },
  };
  const answer = (request) => JSON_OK(pages[new URL(request.url, "http://x").searchParams.get("cursor") ?? undefined]);

  test("iterate over every item, page after page, following next_cursor", async () => {
    await withServer(answer, async (server) => {
      const numbers = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers;
      assert.deepEqual((await collect(numbers.list({ agent_id: "x" }))).map((n) => n.id), ["a", "b", "c", "d"]);
      assert.deepEqual(server.received.map((r) => r.url), [
        "/api/v1/telephony/numbers?agent_id=x",
        "/api/v1/telephony/numbers?agent_id=x&cursor=c1",
        "/api/v1/telephony/numbers?agent_id=x&cursor=c2",
      ]);
    });
  });

  test("pages() gives each page; a cursor resumes; stopping early reads no more", async () => {
    await withServer(answer, async (server) => {
      const numbers = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers;
      const all = await collect(numbers.list().pages());
      assert.deepEqual(all.map((p) => [p.items.map((n) => n.id), p.next_cursor]), [[["a", "b"], "c1"], [["c"], "c2"], [["d"], null]]);
      assert.deepEqual((await collect(numbers.list({ cursor: "c1" }))).map((n) => n.id), ["c", "d"]);
      const before = server.received.length;
      for await (const n of numbers.list()) {
        assert.equal(n.id, "a");
        break;
      }
      assert.equal(server.received.length, before + 1);
    });
  });

  test("a list is not fetched until it is iterated, and can be iterated again", async () => {
    await withServer(answer, async (server) => {
      const list = new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers.list();
      assert.equal(server.received.length, 0);
      assert.equal((await collect(list)).length, 4);
      assert.equal((await collect(list)).length, 4);
    });
  });
});

describe("errors", () => {
  test("every class is exported by name; all are KatavenError", () => {
    const names = [
      "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
      "ConflictError", "RequestTooLargeError", "UnprocessableEntityError", "RateLimitError",
      "InternalServerError", "BadGatewayError", "ServiceUnavailableError", "APIConnectionError", "APITimeoutError",
    ];
    for (const name of names) {
      assert.equal(kataven[name].name, name);
      assert.ok(kataven[name].prototype instanceof KatavenError, name);
    }
    assert.ok(kataven.APITimeoutError.prototype instanceof kataven.APIConnectionError);
    const statuses = { 400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFoundError", 409: "ConflictError", 413: "RequestTooLargeError", 422: "UnprocessableEntityError", 429: "RateLimitError", 500: "InternalServerError", 502: "BadGatewayError", 503: "ServiceUnavailableError", 504: "InternalServerError" };
    for (const name of Object.values(statuses)) assert.ok(kataven[name].prototype instanceof kataven.APIStatusError, name);
  });

  test("status, the one-line message, the request id and the headers", async () => {
    await withServer(() => ({ status: 404, headers: { "X-Request-ID": "req-42" }, body: "phone number not found\n" }), async (server) => {
      const error = await rejection(new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers.get("n1"));
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.name, "NotFoundError");
      assert.equal(error.status, 404);
      assert.equal(error.message, "phone number not found");
      assert.equal(error.requestId, "req-42");
      assert.ok(error.headers instanceof Headers);
      assert.equal(error.headers.get("x-request-id"), "req-42");
    });
  });

  test("problem details give the message, the code, the field and the request id", async () => {
    const problem = {
      type: "urn:kataven:error:duplicate_number", title: "Duplicate number", status: 400,
      detail: "duplicate number: +12025550123 is already registered", code: "duplicate_number", field: "e164", request_id: "req-p",
    };
    await withServer(() => ({ status: 400, headers: { "Content-Type": "application/problem+json" }, body: JSON.stringify(problem) }), async (server) => {
      const error = await rejection(new Kataven({ apiKey: "k", baseURL: server.baseURL }).telephony.numbers.create({ e164: "+12025550123", credentials_id: "c" }));
      assert.ok(error instanceof kataven.BadRequestError);
      assert.deepEqual([error.status, error.message, error.code, error.field, error.requestId], [400, problem.detail, "duplicate_number", "e164", "req-p"]);
    });
  });

  for (const [status, type] of [[502, "BadGatewayError"], [429, "RateLimitError"]]) {
    test(`a proxy's text-only ${status} keeps its line and has no code or field`, async () => {
      await withServer(() => ({ status, headers: { "X-Request-ID": "req-t" }, body: `${status} from the proxy\n` }), async (server) => {
        const client = new Kataven({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0 });
        const error = await rejection(client.telephony.numbers.get("n1"));
        assert.ok(error instanceof kataven[type]);
        assert.deepEqual([error.message, error.code, error.field, error.requestId], [`${status} from the proxy`, undefined, undefined, "req-t"]);
      });
    });
  }

  test("a body that only claims to be problem details is read as text", async () => {
    for (const body of ["<html>bad gateway</html>", '["not", "a problem"]', '{"code": "not_found"}']) {
      await withServer(() => ({ status: 502, headers: { "Content-Type": "application/problem+json" }, body }), async (server) => {
        const error = await rejection(new Kataven({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0 }).telephony.numbers.get("n1"));
        assert.deepEqual([error.message, error.code], [body, undefined]);
      });
    }
  });

  test("String(error) names the status, the message and the request id", async () => {
    const answers = [
      { status: 404, headers: { "X-Request-ID": "req-9" }, body: "phone number not found\n" },
      { status: 503, body: "down\n" },
    ];
    await withServer((request, index) => answers[index], async (server) => {
      const numbers = new Kataven({ apiKey: "k", baseURL: server.baseURL, maxRetries: 0 }).telephony.numbers;
      assert.equal(String(await rejection(numbers.get("n1"))), "NotFoundError: 404 phone number not found (request id req-9)");
      assert.equal(`${await rejection(numbers.get("n1"))}`, "ServiceUnavailableError: 503 down");
    });
  });
});

describe("the debug log", () => {
  test("a line per attempt: method, path, status or error, attempt, wait, request id", async () => {
    const answers = [{ status: 503, headers: { "Retry-After": "0.1", "X-Request-ID": "r1" }, body: "x" }, { status: 201, headers: { "Content-Type": "application/json", "X-Request-ID": "r2" }, body: "{}" }];
    await withServer((request, index) => answers[index], async (server) => {
      const logger = recordingLogger();
      const client = new Kataven({ apiKey: "kvn_log_secret", baseURL: server.baseURL, logger });
      await client.telephony.providers.create({ provider: "twilio", credentials: { account_sid: "AC_secret_sid", auth_token: "tok_secret" } });
      assert.deepEqual(logger.lines, [
        "kataven: POST /telephony/providers -> 503 (attempt 1 of 3, retrying in 0.10 s, request id r1)",
        "kataven: POST /telephony/providers -> 201 (attempt 2 of 3, request id r2)",
      ]);
      assert.deepEqual(logger.details[0], { method: "POST", path: "/telephony/providers", status: 503, error: null, attempt: 1, wait: 100, requestId: "r1" });
      const logged = JSON.stringify(logger);
      for (const secret of ["kvn_log_secret", "AC_secret_sid", "tok_secret"]) assert.ok(!logged.includes(secret), secret);
    });
  });

  test("KATAVEN_LOG=debug writes the lines to stderr, and no key", async () => {
    await withServer(() => JSON_OK({ id: "n1" }), async (server) => {
      const script = 'import { Kataven } from "kataven"; await new Kataven().telephony.numbers.get("n1");';
      // The server answers from this process: the child runs without blocking it.
      const run = (log) => new Promise((resolve) => {
        execFile(process.execPath, ["--input-type=module", "-e", script], {
          cwd: new URL("..", import.meta.url),
          env: { PATH: process.env.PATH, KATAVEN_API_KEY: "kvn_stderr_secret", KATAVEN_BASE_URL: server.baseURL, ...(log ? { KATAVEN_LOG: log } : {}) },
          timeout: 20_000,
        }, (error, stdout, stderr) => resolve({ status: error ? error.code ?? error.signal : 0, stderr }));
      });
      const on = await run("debug");
      assert.equal(on.status, 0, on.stderr);
      assert.match(on.stderr, /^kataven: GET \/telephony\/numbers\/n1 -> 200 \(attempt 1 of 3\)$/m);
      assert.ok(!on.stderr.includes("kvn_stderr_secret"));
      const off = await run(undefined);
      assert.equal(off.status, 0, off.stderr);
      assert.doesNotMatch(off.stderr, /kataven:/);
    });
  });
});
