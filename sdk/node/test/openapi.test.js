// The client keeps up with the service: a method for every operation of the served OpenAPI
// document (as the resources declare them), each sending its operation's HTTP method and
// path, and src/openapi.d.ts and src/operations.js exactly what the generator makes of
// that document.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Kataven } from "kataven";
import { OPERATIONS } from "../src/operations.js";
import { Resource } from "../src/resources/resource.js";
import { OPERATIONS_OUTPUT, OUTPUT, generate, generateOperations, operations } from "../scripts/generate-types.js";
import { fakeServer, service } from "./support.js";

const ID = "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44";
const E164 = "+12025550123";
// What each method is called with here, by its name (by default, an id), or by where it
// is when its name says too little.
const ARGUMENTS = {
  list: [{}], create: [{}], get: [ID], update: [ID, {}], pin: [ID, "agent_1"], unpin: [ID], delete: [ID],
  "telephony.routes.get": [E164],
};

async function servedDocument() {
  const answer = await fetch(`${service.baseURL}/openapi.json`);
  assert.equal(answer.status, 200);
  return answer.text();
}

/** Each method, "telephony.numbers.pin" -> { resource, name, operationId }, as the
 * resources declare them (their operationIds). */
function declaredMethods(client) {
  const found = new Map();
  for (const [space, namespace] of Object.entries(client)) {
    for (const [resourceName, resource] of Object.entries(namespace)) {
      if (!(resource instanceof Resource)) continue;
      for (const [name, operationId] of Object.entries(resource.constructor.operationIds)) {
        found.set(`${space}.${resourceName}.${name}`, { resource, name, operationId });
      }
    }
  }
  return found;
}

test("the client has a method for every operation the service documents, and none more", async () => {
  const served = new Set(operations(JSON.parse(await servedDocument())).map(([id]) => id));
  const methods = declaredMethods(new Kataven({ apiKey: "kvn_unused", baseURL: service.baseURL }));
  for (const [at, { resource, name }] of methods) assert.equal(typeof resource[name], "function", at);
  const named = new Set([...methods.values()].map(({ operationId }) => operationId));
  const missing = [...served].filter((id) => !named.has(id));
  assert.deepEqual(missing, [], `the client has no method for: ${missing.join(", ")}`);
  const unknown = [...methods].filter(([, { operationId }]) => !served.has(operationId)).map(([at]) => at);
  assert.deepEqual(unknown, [], `methods of operations the service does not document: ${unknown.join(", ")}`);
});

test("each method sends its operation's HTTP method and path", async () => {
  const server = await fakeServer(() => ({
    status: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ providers: [], numbers: [], events: [], next_cursor: null }),
  }));
  try {
    const client = new Kataven({ apiKey: "kvn_unused", baseURL: server.baseURL, maxRetries: 0 });
    for (const [at, { resource, name, operationId }] of declaredMethods(client)) {
      const sent = server.received.length;
      const result = resource[name](...(ARGUMENTS[at] ?? ARGUMENTS[name] ?? [ID]));
      if (typeof result[Symbol.asyncIterator] === "function") for await (const _ of result);
      else await result;
      assert.equal(server.received.length, sent + 1, at);
      const { method, url } = server.received[sent];
      const path = new URL(url, server.baseURL).pathname.replace(/^\/api\/v1/, "")
        .replace(ID, "{id}").replace("%2B12025550123", "{e164}"); // the + as one sends it
      assert.deepEqual([method, path], OPERATIONS[operationId], at);
    }
  } finally {
    await server.close();
  }
});

test("src/openapi.d.ts is what openapi-typescript makes of the served document", async () => {
  const fresh = await generate(await servedDocument());
  const committed = readFileSync(OUTPUT, "utf8");
  if (fresh !== committed) {
    const [a, b] = [committed.split("\n"), fresh.split("\n")];
    const line = a.findIndex((text, i) => text !== b[i]);
    assert.fail(
      `src/openapi.d.ts differs from the served document's types (run \`make sdk-types\`); ` +
      `first at line ${line + 1}:\n  committed: ${a[line]}\n  served:    ${b[line]}`,
    );
  }
});

test("src/operations.js is each operation of the served document, its method and path", async () => {
  const fresh = generateOperations(await servedDocument());
  assert.equal(readFileSync(OPERATIONS_OUTPUT, "utf8"), fresh, "src/operations.js differs from the served document (run `make sdk-types`)");
});
