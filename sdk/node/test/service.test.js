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
      { id: undefined, e164, provider: "twilio", credentials_id: cred.id, agent_id: "agent_1", inbound_enabled: true, outbound_enabled: true, created_at: undefined, updated_at: undefined },
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
