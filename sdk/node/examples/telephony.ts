// Every method of the client, typed. `npm run typecheck` checks it (tsc --noEmit, strict);
// the tests also compile it and run it against a live service:
//   KATAVEN_API_KEY=kvn_... KATAVEN_BASE_URL=http://127.0.0.1:8000/api/v1 node telephony.js
import {
  Kataven,
  APIStatusError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  type ErrorCode,
  type Event,
  type InboundRule,
  type Page,
  type PhoneNumber,
  type Provider,
  type RawResponse,
  type Route,
  type SealedCredential,
} from "kataven";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`example: ${what}`);
}

const client = new Kataven(); // KATAVEN_API_KEY, KATAVEN_BASE_URL, KATAVEN_ACCOUNT_ID
const patient = client.withOptions({ timeout: 60_000, maxRetries: 4 });

// A number nobody else has registered: +1 202, an exchange of 2 to 9, six digits.
const exchange = 2 + Math.floor(Math.random() * 8);
const e164 = `+1202${exchange}${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;

// Providers: create (with a key of our own), get, update, list.
const cred: Provider = await client.telephony.providers.create(
  {
    provider: "twilio",
    label: "Production Twilio",
    credentials: { account_sid: "AC0123456789abcdef0123456789abcdef", auth_token: "your_auth_token" },
  },
  { idempotencyKey: `example-${e164}` },
);
const fetched: Provider = await patient.telephony.providers.get(cred.id, { timeout: 5_000 });
check(fetched.sealing_key_id === cred.sealing_key_id, "get answers the created credential");
const renamed: Provider = await client.telephony.providers.update(cred.id, { label: "Twilio (rotated)" });
check(renamed.label === "Twilio (rotated)", "update answers the changed credential");
const rotated: Provider = await client.telephony.providers.update(cred.id, {
  credentials: { account_sid: "AC0123456789abcdef0123456789abcdef", auth_token: "new_token" },
});
check(rotated.updated_at > renamed.updated_at && rotated.label === renamed.label, "rotated in place");
const labels: string[] = [];
for await (const p of client.telephony.providers.list({ limit: 50 })) {
  if (p.id === cred.id) labels.push(p.label);
}
check(labels.join() === "Twilio (rotated)", "the list shows the new label");

// Numbers: create, get, pin, unpin, update.
const number: PhoneNumber = await client.telephony.numbers.create({
  e164,
  credentials_id: cred.id,
  agent_id: "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z",
  outbound_enabled: false,
});
const pinned: PhoneNumber = await client.telephony.numbers.pin(number.id, "agent_2");
check(pinned.agent_id === "agent_2", "pin answers the pinned number");
const unpinned: string | null = (await client.telephony.numbers.unpin(number.id, { maxRetries: 0 })).agent_id;
const updated: PhoneNumber = await client.telephony.numbers.update(number.id, { outbound_enabled: true });
const now: PhoneNumber = await client.telephony.numbers.get(number.id);
check(unpinned === null && updated.outbound_enabled && now.updated_at === updated.updated_at, "unpin and update");

// A fallback: where an inbound call goes when no agent can take it; null clears it.
const forwarded: PhoneNumber = await client.telephony.numbers.update(number.id, { fallback_e164: "+12025550199" });
const fallback: string | null = forwarded.fallback_e164;
check(fallback === "+12025550199" && forwarded.agent_id === null, "a fallback, and no agent");

// The platform's reads need a platform key: with this account key, a PermissionDeniedError.
try {
  await client.telephony.routes.get(e164);
  check(false, "routes need a platform key");
} catch (error) {
  if (!(error instanceof PermissionDeniedError && error.code === "platform_key_required")) throw error;
}
// With one (KATAVEN_PLATFORM_KEY): who answers the number, and the credential to dial with,
// for the account the number names.
const platformKey = process.env.KATAVEN_PLATFORM_KEY;
if (platformKey) {
  const router = new Kataven({ apiKey: platformKey, accountId: null });
  const route: Route = await router.telephony.routes.get(e164);
  const rule: InboundRule = route.inbound;
  check(rule === "fallback" && route.fallback_e164 === fallback, "no agent, a fallback: forwarded");
  const sealed: SealedCredential = await router.telephony.providers.sealed(route.credentials_id, { accountId: route.account_id });
  check(sealed.sealing_key_id === route.sealing_key_id && sealed.sealed.length > 0, "the sealed credential");
  const rawRoute: RawResponse<Route> = await router.telephony.routes.withRawResponse.get(e164);
  const rawSealed: RawResponse<SealedCredential> = await router.telephony.providers.withRawResponse.sealed(cred.id, { accountId: route.account_id });
  check(rawRoute.data.number_id === number.id && rawSealed.data.id === cred.id, "raw route and sealed");
  console.log(`route: ${rule}`);
}
const cleared: PhoneNumber = await client.telephony.numbers.update(number.id, { fallback_e164: null });
check(cleared.fallback_e164 === null, "the fallback cleared");

// Lists: every item, filtered; a page at a time; resumed from a cursor.
const found: string[] = [];
for await (const n of client.telephony.numbers.list({ credentials_id: cred.id, provider: "twilio", e164 })) {
  found.push(n.id);
}
check(found.join() === number.id, "the filtered list finds the number");
let cursor: string | null = null;
for await (const page of client.telephony.numbers.list({ credentials_id: cred.id, limit: 1 }).pages()) {
  const items: PhoneNumber[] = page.items;
  check(items.length === 1, "a page of one");
  cursor = page.next_cursor;
  break; // the rest another time, from the cursor
}
if (cursor !== null) {
  for await (const later of client.telephony.numbers.list({ cursor })) found.push(later.id);
}
check(found.length === 1, "nothing after the last number");

// The HTTP details of any call.
const raw: RawResponse<PhoneNumber> = await client.telephony.numbers.withRawResponse.get(number.id);
const firstPage: RawResponse<Page<Provider>> = await client.telephony.providers.withRawResponse.list({ limit: 1 });
const rawPin: RawResponse<PhoneNumber> = await client.telephony.numbers.withRawResponse.pin(number.id, "agent_3");
check(rawPin.status === 200 && rawPin.data.agent_id === "agent_3", "raw pin");
console.log(raw.status, raw.requestId, raw.replayed, raw.retries, raw.headers.get("content-type"));
console.log(firstPage.data.items.length, firstPage.data.next_cursor !== undefined, rawPin.status);

// Errors by class; then the deletes, in order.
try {
  await client.telephony.providers.delete(cred.id); // its number still uses it
  check(false, "a credential in use cannot be deleted");
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  const code: ErrorCode | undefined = error.code;
  check(code === "credential_in_use" && error.field === undefined, "the conflict's code");
  console.log(error.status, error.message, error.requestId, error.headers.get("x-request-id"));
}
// A duplicate is a 400, told apart from other 400s by its code.
try {
  await client.telephony.numbers.create({ e164, credentials_id: cred.id });
  check(false, "a number is registered once");
} catch (error) {
  if (!(error instanceof BadRequestError && error.code === "duplicate_number")) throw error;
  const field: string | undefined = error.field;
  check(field === "e164" && String(error).startsWith("BadRequestError: 400 duplicate number"), "the duplicate");
}
// Who changed the number, newest first.
const history: Event[] = [];
for await (const event of client.telephony.events.list({ object_id: number.id, limit: 50 })) {
  history.push(event);
}
check(history.length > 0 && history[history.length - 1].type === "number.created", "events");
const kinds: string | undefined = history[0].actor?.kind;
const firstEvents: RawResponse<Page<Event>> = await client.telephony.events.withRawResponse.list({ type: "number.created" });
check(firstEvents.status === 200 && Array.isArray(firstEvents.data.items), "raw events");
void kinds;
await client.telephony.numbers.delete(number.id);
const deleted: RawResponse<void> = await client.telephony.providers.withRawResponse.delete(cred.id);
check(deleted.status === 204, "deleted");
try {
  await client.telephony.numbers.get(number.id);
  check(false, "a deleted number is gone");
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
}
console.log(`example passed: ${e164}`);

// What the types refuse (checked by tsc, never run).
export async function refused(n: PhoneNumber, credentialsId: string, error: APIStatusError): Promise<void> {
  // @ts-expect-error: an unknown provider
  await client.telephony.providers.create({ provider: "sip", credentials: {} });
  // @ts-expect-error: e164 is required
  await client.telephony.numbers.create({ credentials_id: credentialsId });
  // @ts-expect-error: a field the API does not have
  await client.telephony.numbers.update(n.id, { agent: "a" });
  // @ts-expect-error: per-call options are camelCase
  await client.telephony.numbers.get(n.id, { max_retries: 0 });
  // @ts-expect-error: pin resolves to a number, not a credential
  const nothing: Provider = await client.telephony.numbers.pin(n.id, "a");
  // @ts-expect-error: results are read, not written
  n.id = "another";
  // @ts-expect-error: not an event type
  client.telephony.events.list({ type: "number.pinned" });
  // @ts-expect-error: not an error code (a misspelt one)
  if (error.code === "duplicate_numbr") return;
  // @ts-expect-error: a fallback is a number as a string
  await client.telephony.numbers.update(n.id, { fallback_e164: 12025550199 });
  const route: Route = await client.telephony.routes.get(n.e164);
  // @ts-expect-error: not a routing rule (agent, fallback, reject)
  if (route.inbound === "voicemail") return;
  // @ts-expect-error: not a routing rule
  const rule: InboundRule = "forward";
  // @ts-expect-error: sealed resolves to the sealed credential, not a Provider
  const opened: Provider = await client.telephony.providers.sealed(credentialsId);
  // @ts-expect-error: per-call options, not a bare account id
  await client.telephony.providers.sealed(credentialsId, "acct_1");
  void nothing, rule, opened;
}
