// The client keeps up with the service: a method for every operation of the served OpenAPI
// document, and src/openapi.d.ts exactly what openapi-typescript makes of that document.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Kataven } from "kataven";
import { Resource } from "../src/resources/resource.js";
import { OUTPUT, generate } from "../scripts/generate-types.js";
import { service } from "./support.js";

// The document's paths are as served; the client's are below its base URL (/api/v1).
const API_ROOT = "/api/v1";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async function servedDocument() {
  const answer = await fetch(`${service.baseURL}/openapi.json`);
  assert.equal(answer.status, 200);
  return answer.text();
}

/** operationId -> where the client has it: "telephony.numbers.get", its method and path. */
function clientOperations() {
  const client = new Kataven({ apiKey: "kvn_unused", baseURL: service.baseURL });
  const found = new Map();
  for (const [space, namespace] of Object.entries(client)) {
    for (const [name, resource] of Object.entries(namespace)) {
      if (!(resource instanceof Resource)) continue;
      for (const [method, [operationId, verb, path]] of Object.entries(resource.constructor.operations)) {
        assert.equal(typeof resource[method], "function", `${space}.${name}.${method}`);
        assert.ok(!found.has(operationId), `${operationId} twice`);
        found.set(operationId, { at: `${space}.${name}.${method}`, verb, path: API_ROOT + path });
      }
    }
  }
  return found;
}

test("the client has a method for every operation the service documents", async () => {
  const document = JSON.parse(await servedDocument());
  const client = clientOperations();
  const missing = [];
  const wrong = [];
  const documented = new Set();
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(`${API_ROOT}/`)) continue; // /healthz, /readyz: for load balancers
    for (const verb of METHODS.filter((m) => m in item)) {
      const { operationId } = item[verb];
      documented.add(operationId);
      const method = client.get(operationId);
      if (!method) missing.push(operationId ?? `${verb.toUpperCase()} ${path} (no operationId)`);
      else if (method.verb !== verb.toUpperCase() || method.path !== path) {
        wrong.push(`${method.at} calls ${method.verb} ${method.path}, ${operationId} is ${verb.toUpperCase()} ${path}`);
      }
    }
  }
  assert.deepEqual(missing, [], `the client has no method for: ${missing.join(", ")}`);
  assert.deepEqual(wrong, []);
  const gone = [...client.keys()].filter((id) => !documented.has(id));
  assert.deepEqual(gone, [], `the service no longer documents: ${gone.join(", ")}`);
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
