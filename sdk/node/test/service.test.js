// Every method against the real service, with an account key and with a platform key.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  Kataven,
  NotFoundError,
  PermissionDeniedError,
  RequestTooLargeError,
  UnprocessableEntityError,
} from "kataven";
import {
  TWILIO,
  accountClient,
  collect,
  fakeServer,
  platformClient,
  rejection,
  service,
  uniqueE164,
} from "./support.js";

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe("providers", () => {
  test("create answers the credential's metadata, never its values", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", label: "Production Twilio", credentials: TWILIO });
    assert.equal(cred.provider, "twilio");
    assert.equal(cred.label, "Production Twilio");
    assert.deepEqual(cred.credential_keys, ["account_sid", "auth_token"]);
    assert.match(cred.sealing_key_id, /^[0-9a-f]{16}$/);
    assert.match(cred.created_at, ISO_UTC);
    assert.ok(!JSON.stringify(cred).includes(TWILIO.auth_token));
  });

  test("get answers the credential; update rotates it and changes its label", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "plivo", credentials: { auth_id: "MA1", auth_token: "t1" } });
    assert.deepEqual(await client.telephony.providers.get(cred.id), cred);
    const renamed = await client.telephony.providers.update(cred.id, { label: "Plivo EU" });
    assert.equal(renamed.label, "Plivo EU");
    const rotated = await client.telephony.providers.update(cred.id, { credentials: { auth_id: "MA1", auth_token: "t2", region: "eu" } });
    const after = await client.telephony.providers.get(cred.id);
    assert.deepEqual(rotated, after);
    assert.equal(after.label, "Plivo EU");
    assert.deepEqual(after.credential_keys, ["auth_id", "auth_token", "region"]);
    assert.ok(after.updated_at > cred.updated_at);
  });

  test("delete removes it, and another delete is a NotFoundError", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "vobiz", credentials: { auth_id: "v", auth_token: "t" } });
    assert.equal(await client.telephony.providers.delete(cred.id), undefined);
    const error = await rejection(client.telephony.providers.delete(cred.id));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.message, "credential not found");
  });

  test("list iterates over every credential across pages, oldest first", async () => {
    const client = platformClient();
    const made = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await client.telephony.providers.create({ provider: "twilio", label: `p${i}`, credentials: TWILIO }));
    }
    const listed = await collect(client.telephony.providers.list({ limit: 2 }));
    assert.deepEqual(listed.map((p) => p.id), made.map((p) => p.id));
    const pages = await collect(client.telephony.providers.list({ limit: 2 }).pages());
    assert.deepEqual(pages.map((p) => p.items.length), [2, 2, 1]);
    assert.equal(pages[2].next_cursor, null);
    const resumed = await collect(client.telephony.providers.list({ limit: 2, cursor: pages[0].next_cursor }));
    assert.deepEqual(resumed.map((p) => p.id), made.slice(2).map((p) => p.id));
  });

  test("a delete of a credential still in use is a ConflictError", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    const error = await rejection(client.telephony.providers.delete(cred.id));
    assert.ok(error instanceof ConflictError);
    assert.equal(error.status, 409);
    assert.equal(error.message, "credential in use by 1 phone number");
    await client.telephony.numbers.delete(number.id);
    await client.telephony.providers.delete(cred.id);
  });
});

describe("numbers", () => {
  async function credential(client) {
    return client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
  }

  test("create registers a number and takes its provider from the credential", async () => {
    const client = accountClient();
    const cred = await credential(client);
    const e164 = uniqueE164();
    const number = await client.telephony.numbers.create({ e164, credentials_id: cred.id, agent_id: "agent_1" });
    assert.deepEqual(
      { ...number, id: undefined, created_at: undefined, updated_at: undefined },
      { id: undefined, e164, provider: "twilio", credentials_id: cred.id, agent_id: "agent_1", inbound_enabled: true, outbound_enabled: true, fallback_e164: null, created_at: undefined, updated_at: undefined },
    );
    assert.match(number.updated_at, ISO_UTC);
    assert.deepEqual(await client.telephony.numbers.get(number.id), number);
  });

  test("pin, unpin and update change the number", async () => {
    const client = accountClient();
    const cred = await credential(client);
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    const pinned = await client.telephony.numbers.pin(number.id, "agent_2");
    assert.equal(pinned.agent_id, "agent_2");
    assert.deepEqual(await client.telephony.numbers.get(number.id), pinned);
    const unpinned = await client.telephony.numbers.unpin(number.id);
    assert.equal(unpinned.agent_id, null);
    assert.deepEqual(await client.telephony.numbers.get(number.id), unpinned);
    const updated = await client.telephony.numbers.update(number.id, { agent_id: "agent_3", outbound_enabled: false });
    const after = await client.telephony.numbers.get(number.id);
    assert.deepEqual(updated, after);
    assert.equal(after.agent_id, "agent_3");
    assert.equal(after.outbound_enabled, false);
    assert.ok(after.updated_at > number.updated_at);
  });

  test("fallback_e164 is set by create, changed by update, left alone when left out, and cleared by null", async () => {
    const client = accountClient();
    const cred = await credential(client);
    const [fallback, other] = [uniqueE164(), uniqueE164()];
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id, fallback_e164: fallback });
    assert.equal(number.fallback_e164, fallback);
    assert.deepEqual(await client.telephony.numbers.get(number.id), number);
    assert.equal((await client.telephony.numbers.update(number.id, { fallback_e164: other })).fallback_e164, other);
    assert.equal((await client.telephony.numbers.pin(number.id, "agent_kept")).fallback_e164, other);
    const cleared = await client.telephony.numbers.update(number.id, { fallback_e164: null });
    assert.equal(cleared.fallback_e164, null);
    assert.deepEqual(await client.telephony.numbers.get(number.id), cleared);
    const error = await rejection(client.telephony.numbers.update(number.id, { fallback_e164: number.e164 }));
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual([error.code, error.field, error.message], ["invalid_body", "fallback_e164", "invalid body: fallback_e164: must differ from e164"]);
  });

  test("list filters by every field and pages through the rest", async () => {
    const client = accountClient();
    const cred = await credential(client);
    const made = [];
    for (let i = 0; i < 3; i += 1) {
      made.push(await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id, agent_id: i < 2 ? `agent_${cred.id.slice(0, 8)}` : null }));
    }
    const ids = (items) => items.map((n) => n.id);
    assert.deepEqual(ids(await collect(client.telephony.numbers.list({ credentials_id: cred.id, limit: 1 }))), ids(made));
    assert.deepEqual(ids(await collect(client.telephony.numbers.list({ agent_id: `agent_${cred.id.slice(0, 8)}` }))), ids(made.slice(0, 2)));
    assert.deepEqual(ids(await collect(client.telephony.numbers.list({ e164: made[2].e164, provider: "twilio" }))), [made[2].id]);
    assert.deepEqual(await collect(client.telephony.numbers.list({ e164: made[2].e164, provider: "plivo" })), []);
    const pages = await collect(client.telephony.numbers.list({ credentials_id: cred.id, limit: 2 }).pages());
    assert.deepEqual(pages.map((p) => ids(p.items)), [ids(made.slice(0, 2)), ids(made.slice(2))]);
    const resumed = await collect(client.telephony.numbers.list({ credentials_id: cred.id, limit: 2, cursor: pages[0].next_cursor }));
    assert.deepEqual(ids(resumed), ids(made.slice(2)));
  });

  test("iteration fetches the next page only when it is needed", async () => {
    const client = accountClient();
    const cred = await credential(client);
    for (let i = 0; i < 3; i += 1) await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    const iterator = client.telephony.numbers.list({ credentials_id: cred.id, limit: 1 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    // Only one page has been read: deleting the rest now leaves nothing more to see.
    for (const n of await collect(client.telephony.numbers.list({ credentials_id: cred.id }))) {
      if (n.id !== first.value.id) await client.telephony.numbers.delete(n.id);
    }
    assert.equal((await iterator.next()).done, true);
  });

  test("delete removes the number; then get is a NotFoundError with the request id", async () => {
    const client = accountClient();
    const cred = await credential(client);
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    assert.equal(await client.telephony.numbers.delete(number.id), undefined);
    const error = await rejection(client.telephony.numbers.get(number.id));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.status, 404);
    assert.equal(error.message, "phone number not found");
    assert.match(error.requestId, /\S+/);
    assert.equal(error.headers.get("x-request-id"), error.requestId);
  });
});

describe("events", () => {
  test("list answers the changes of an object, newest first, with who made them", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    await client.telephony.numbers.pin(number.id, "agent_events");
    await client.telephony.numbers.unpin(number.id);
    const events = await collect(client.telephony.events.list({ object_id: number.id, limit: 1 }));
    assert.deepEqual(events.map((e) => e.type), ["number.updated", "number.updated", "number.created"]);
    assert.deepEqual(events[0].data, { agent_id: { from: "agent_events", to: null } });
    assert.deepEqual(events[1].data, { agent_id: { from: null, to: "agent_events" } });
    assert.equal(events[0].actor.kind, "account");
    assert.match(events[0].occurred_at, ISO_UTC);
    const created = await collect(client.telephony.events.list({ type: "provider.created", since: cred.created_at }));
    assert.ok(created.some((e) => e.object_id === cred.id));
  });

  test("a bad filter is a BadRequestError naming it", async () => {
    const error = await rejection(collect(accountClient().telephony.events.list({ object_id: "nope" })));
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.message, "invalid query: object_id: not a valid UUID");
    assert.deepEqual([error.code, error.field], ["invalid_parameter", "object_id"]);
  });
});

describe("withRawResponse", () => {
  test("every method answers its status, headers, request id, replay and retries", async () => {
    const client = platformClient();
    const raw = (r) => ({ status: r.status, replayed: r.replayed, retries: r.retries, id: typeof r.requestId });
    const created = await client.telephony.providers.withRawResponse.create({ provider: "twilio", credentials: TWILIO });
    assert.deepEqual(raw(created), { status: 201, replayed: false, retries: 0, id: "string" });
    assert.match(created.headers.get("location"), new RegExp(`/telephony/providers/${created.data.id}$`));
    const cred = created.data;
    const providers = client.telephony.providers.withRawResponse;
    assert.equal((await providers.get(cred.id)).data.id, cred.id);
    const page = await providers.list({ limit: 1 });
    assert.deepEqual(page.data, { items: [cred], next_cursor: null });
    const renamed = await providers.update(cred.id, { label: "x" });
    assert.deepEqual(raw(renamed), { status: 200, replayed: false, retries: 0, id: "string" });
    assert.deepEqual([renamed.data.label, renamed.headers.get("preference-applied")], ["x", "return=representation"]);

    const numbers = client.telephony.numbers.withRawResponse;
    const number = (await numbers.create({ e164: uniqueE164(), credentials_id: cred.id })).data;
    assert.equal((await numbers.get(number.id)).data.e164, number.e164);
    assert.deepEqual((await numbers.list({ credentials_id: cred.id })).data.items.map((n) => n.id), [number.id]);
    for (const [call, agent] of [[() => numbers.pin(number.id, "a"), "a"], [() => numbers.unpin(number.id), null], [() => numbers.update(number.id, { inbound_enabled: false }), null]]) {
      const result = await call();
      assert.equal(result.status, 200);
      assert.deepEqual([result.data.id, result.data.agent_id], [number.id, agent]);
    }
    assert.equal((await numbers.get(number.id)).data.inbound_enabled, false);
    assert.equal((await numbers.delete(number.id)).status, 204);
    assert.equal((await providers.delete(cred.id)).status, 204);
  });

  test("a create repeated with its idempotencyKey is a replay of the same object", async () => {
    const client = accountClient();
    const key = `node-replay-${Date.now()}-${Math.random()}`;
    const body = { provider: "twilio", credentials: TWILIO, label: key.slice(0, 40) };
    const first = await client.telephony.providers.withRawResponse.create(body, { idempotencyKey: key });
    const again = await client.telephony.providers.withRawResponse.create(body, { idempotencyKey: key });
    assert.equal(first.replayed, false);
    assert.equal(again.replayed, true);
    assert.deepEqual(again.data, first.data);
    const error = await rejection(client.telephony.providers.create({ ...body, label: "another" }, { idempotencyKey: key }));
    assert.ok(error instanceof UnprocessableEntityError);
    assert.equal(error.message, "Idempotency-Key reused with a different body");
  });
});

describe("errors from the service", () => {
  test("bad input is a BadRequestError naming the field", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const error = await rejection(client.telephony.numbers.create({ e164: "+1 202 555 0123", credentials_id: cred.id }));
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.message, "invalid body: e164: not a valid E.164 phone number");
    assert.deepEqual([error.code, error.field], ["invalid_body", "e164"]);
    assert.equal(error.headers.get("content-type"), "application/problem+json");
    assert.equal(error.requestId, error.headers.get("x-request-id"));
  });

  test("a duplicate number is told apart by its code, not its message", async () => {
    const client = accountClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const e164 = uniqueE164();
    await client.telephony.numbers.create({ e164, credentials_id: cred.id });
    const error = await rejection(client.telephony.numbers.create({ e164, credentials_id: cred.id }));
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual([error.status, error.code, error.field], [400, "duplicate_number", "e164"]);
    assert.equal(error.message, `duplicate number: ${e164} is already registered`);
    assert.equal(String(error), `BadRequestError: 400 duplicate number: ${e164} is already registered (request id ${error.requestId})`);
  });

  test("an error with nothing at fault has a code and no field", async () => {
    const error = await rejection(accountClient().telephony.numbers.get("00000000-0000-4000-8000-000000000000"));
    assert.deepEqual([error.code, error.field, error.message], ["not_found", undefined, "phone number not found"]);
  });

  test("an unknown key is an AuthenticationError", async () => {
    const client = new Kataven({ apiKey: "kvn_not-a-key", baseURL: service.baseURL });
    const error = await rejection(client.telephony.providers.get("00000000-0000-0000-0000-000000000000"));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.message, "missing or invalid API key");
    assert.equal(error.headers.get("www-authenticate"), "Bearer");
    assert.ok(!error.message.includes("kvn_not-a-key") && !error.stack.includes("kvn_not-a-key"));
  });

  test("an account key naming another account is a PermissionDeniedError", async () => {
    const client = accountClient({ accountId: "someone-else" });
    const error = await rejection(collect(client.telephony.providers.list()));
    assert.ok(error instanceof PermissionDeniedError);
    assert.equal(error.message, "X-Account-ID does not match the API key");
  });

  test("its own account, named, is accepted", async () => {
    const client = accountClient({ accountId: service.accountId });
    assert.ok(Array.isArray(await collect(client.telephony.providers.list({ limit: 1 }))));
  });

  test("a body over 64 KiB is a RequestTooLargeError", async () => {
    const client = accountClient();
    const error = await rejection(client.telephony.providers.create({ provider: "twilio", credentials: TWILIO, label: "x".repeat(70_000) }));
    assert.ok(error instanceof RequestTooLargeError);
    assert.equal(error.status, 413);
  });
});

describe("routes and sealed credentials (platform keys)", () => {
  /** The platform's router: a platform key and no account (the number names its own). */
  const router = () => new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL, accountId: null });

  async function registered(fields = {}) {
    const owner = accountClient();
    const cred = await owner.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const number = await owner.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id, ...fields });
    return { owner, cred, number };
  }

  test("a route names the number's account, agent and credential", async () => {
    const fallback = uniqueE164();
    const { cred, number } = await registered({ agent_id: "agent_routed", outbound_enabled: false, fallback_e164: fallback });
    const route = await router().telephony.routes.get(number.e164);
    assert.deepEqual(route, {
      e164: number.e164,
      account_id: service.accountId,
      number_id: number.id,
      provider: "twilio",
      credentials_id: cred.id,
      sealing_key_id: cred.sealing_key_id,
      agent_id: "agent_routed",
      inbound_enabled: true,
      outbound_enabled: false,
      fallback_e164: fallback,
      inbound: "agent",
    });
  });

  test("the routing rule: agent, fallback or reject", async () => {
    const cases = [
      [{ agent_id: "agent_1" }, "agent"],
      [{ agent_id: "agent_1", fallback_e164: uniqueE164() }, "agent"],
      [{ fallback_e164: uniqueE164() }, "fallback"],
      [{}, "reject"],
      [{ agent_id: "agent_1", fallback_e164: uniqueE164(), inbound_enabled: false }, "reject"],
      [{ fallback_e164: uniqueE164(), inbound_enabled: false }, "reject"],
    ];
    for (const [fields, inbound] of cases) {
      const { number } = await registered(fields);
      const route = await router().telephony.routes.get(number.e164);
      assert.equal(route.inbound, inbound, JSON.stringify(fields));
      assert.deepEqual([route.agent_id, route.fallback_e164, route.inbound_enabled], [number.agent_id, number.fallback_e164, number.inbound_enabled]);
    }
  });

  test("a route follows the number's changes", async () => {
    const { owner, number } = await registered();
    const routes = router().telephony.routes;
    assert.equal((await routes.get(number.e164)).inbound, "reject");
    await owner.telephony.numbers.update(number.id, { fallback_e164: uniqueE164() });
    assert.equal((await routes.get(number.e164)).inbound, "fallback");
    await owner.telephony.numbers.pin(number.id, "agent_now");
    assert.equal((await routes.get(number.e164)).inbound, "agent");
    await owner.telephony.numbers.delete(number.id);
    assert.ok((await rejection(routes.get(number.e164))) instanceof NotFoundError);
  });

  test("the + is sent as %2B, and the raw form has the HTTP details", async () => {
    const { number } = await registered();
    const raw = await router().telephony.routes.withRawResponse.get(number.e164);
    assert.deepEqual([raw.status, raw.data.number_id, typeof raw.requestId], [200, number.id, "string"]);
    const server = await fakeServer(() => ({ status: 404, body: "phone number not found\n" }));
    try {
      const error = await rejection(new Kataven({ apiKey: "kvn_unused", baseURL: server.baseURL, maxRetries: 0 }).telephony.routes.get("+12025550123"));
      assert.ok(error instanceof NotFoundError);
      assert.equal(server.received[0].url, "/api/v1/telephony/routes/%2B12025550123");
    } finally {
      await server.close();
    }
  });

  test("an unregistered number is a NotFoundError; an invalid one a BadRequestError naming e164", async () => {
    const missing = await rejection(router().telephony.routes.get(uniqueE164()));
    assert.ok(missing instanceof NotFoundError);
    assert.deepEqual([missing.status, missing.code, missing.message], [404, "not_found", "phone number not found"]);
    const invalid = await rejection(router().telephony.routes.get("+10000000000"));
    assert.ok(invalid instanceof BadRequestError);
    assert.deepEqual([invalid.code, invalid.field, invalid.message], ["invalid_parameter", "e164", "invalid e164: not a valid E.164 phone number"]);
    await assert.rejects(router().telephony.routes.get(""), TypeError);
  });

  test("acting for another account, a number is not found", async () => {
    const { number } = await registered();
    const error = await rejection(router().telephony.routes.get(number.e164, { accountId: "node-not-its-account" }));
    assert.ok(error instanceof NotFoundError);
    assert.equal((await router().telephony.routes.get(number.e164, { accountId: service.accountId })).number_id, number.id);
  });

  test("an account key is a PermissionDeniedError with code platform_key_required", async () => {
    const { owner, cred, number } = await registered();
    const route = await rejection(owner.telephony.routes.get(number.e164));
    assert.ok(route instanceof PermissionDeniedError);
    assert.deepEqual([route.status, route.code, route.message], [403, "platform_key_required", "routes need a platform key"]);
    const sealed = await rejection(owner.telephony.providers.sealed(cred.id));
    assert.ok(sealed instanceof PermissionDeniedError);
    assert.deepEqual([sealed.status, sealed.code, sealed.message], [403, "platform_key_required", "sealed credentials need a platform key"]);
  });

  test("the credential a route names, sealed, for the account it names: base64 of a sealed box", async () => {
    const { cred, number } = await registered();
    const route = await router().telephony.routes.get(number.e164);
    const sealed = await router().telephony.providers.sealed(route.credentials_id, { accountId: route.account_id });
    assert.deepEqual(Object.keys(sealed).sort(), ["id", "provider", "sealed", "sealing_key_id"]);
    assert.deepEqual([sealed.id, sealed.provider, sealed.sealing_key_id], [cred.id, "twilio", route.sealing_key_id]);
    assert.equal(sealed.sealing_key_id, cred.sealing_key_id);
    assert.match(sealed.sealed, /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    const ciphertext = Buffer.from(sealed.sealed, "base64");
    assert.equal(ciphertext.toString("base64"), sealed.sealed);
    // An ephemeral public key and a MAC (48 bytes), then the credentials' JSON, encrypted
    // (opened with the private key by the Python SDK's suite, tests/test_routes.py).
    assert.ok(ciphertext.length >= 48 + TWILIO.account_sid.length + TWILIO.auth_token.length, String(ciphertext.length));
    assert.ok(!sealed.sealed.includes(Buffer.from(TWILIO.auth_token).toString("base64")));
    const raw = await router().telephony.providers.withRawResponse.sealed(cred.id, { accountId: service.accountId });
    assert.deepEqual([raw.status, raw.data], [200, sealed]);
  });

  test("sealed needs an account: the client's or the call's, and only that account's credential", async () => {
    const { cred } = await registered();
    const missing = await rejection(router().telephony.providers.sealed(cred.id));
    assert.ok(missing instanceof BadRequestError);
    assert.equal(missing.code, "missing_account");
    const elsewhere = await rejection(router().telephony.providers.sealed(cred.id, { accountId: "node-not-its-account" }));
    assert.ok(elsewhere instanceof NotFoundError);
    assert.equal(elsewhere.message, "credential not found");
    const acting = new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL, accountId: service.accountId });
    assert.equal((await acting.telephony.providers.sealed(cred.id)).id, cred.id);
  });
});

describe("platform key", () => {
  test("without an account id it is a BadRequestError", async () => {
    const client = new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL });
    const error = await rejection(collect(client.telephony.numbers.list()));
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.message, "missing X-Account-ID header");
  });

  test("acts for the client's account, or the call's, and each sees only its own", async () => {
    const client = platformClient();
    const cred = await client.telephony.providers.create({ provider: "twilio", credentials: TWILIO });
    const number = await client.telephony.numbers.create({ e164: uniqueE164(), credentials_id: cred.id });
    assert.equal((await client.telephony.numbers.get(number.id)).id, number.id);
    const other = await rejection(client.telephony.numbers.get(number.id, { accountId: "node-other-account" }));
    assert.ok(other instanceof NotFoundError);
    const perCall = new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL });
    assert.equal((await perCall.telephony.numbers.get(number.id, { accountId: client.accountId })).id, number.id);
    const viaOptions = perCall.withOptions({ accountId: client.accountId });
    assert.deepEqual((await collect(viaOptions.telephony.providers.list())).map((p) => p.id), [cred.id]);
  });
});
