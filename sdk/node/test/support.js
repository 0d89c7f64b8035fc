// What the suites share: the service under test (from the environment), unique data, and
// fake servers for the faults the real service cannot produce on demand.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Kataven } from "kataven";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: the suites run against a live service (see sdk/node/README.md, "Tests")`);
  }
  return value;
}

/** The service under test: its base URL (.../api/v1), an account key and its account,
 * and a platform key. */
export const service = {
  get baseURL() { return required("KATAVEN_TEST_BASE_URL").replace(/\/+$/, ""); },
  get apiKey() { return required("KATAVEN_TEST_API_KEY"); },
  get accountId() { return required("KATAVEN_TEST_ACCOUNT_ID"); },
  get platformKey() { return required("KATAVEN_TEST_PLATFORM_KEY"); },
};

export const TWILIO = { account_sid: `AC${"0123456789abcdef".repeat(2)}`, auth_token: "twilio-secret-token" };

/** A client of the service with the account key. */
export function accountClient(options = {}) {
  return new Kataven({ apiKey: service.apiKey, baseURL: service.baseURL, ...options });
}

/** A client with the platform key acting for an account of its own, so that what a test
 * lists is what it made. */
export function platformClient(options = {}) {
  return new Kataven({ apiKey: service.platformKey, baseURL: service.baseURL, accountId: freshAccount(), ...options });
}

export function freshAccount() {
  return `node-${randomUUID().slice(0, 13)}`;
}

/** A valid number no other test uses: +1 202, an exchange of 2-9, six random digits. */
export function uniqueE164() {
  const exchange = 2 + Math.floor(Math.random() * 8);
  return `+1202${exchange}${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
}

/** Lines a logger option receives. */
export function recordingLogger() {
  const lines = [];
  return { lines, details: [], debug(line, details) { lines.push(line); this.details.push(details); } };
}

export async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Resolves to the error a promise rejects with; fails when it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function closer(server) {
  return () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
}

/**
 * A fake service: each request is answered by plan(request, index) with { status, headers,
 * body }, "hang" (no answer, ever) or "drop" (the connection closed, no answer). It keeps
 * what it received: { method, url, headers, body, at } (at: performance.now()).
 */
export async function fakeServer(plan) {
  const received = [];
  const server = await listen(async (req, res) => {
    const request = { method: req.method, url: req.url, headers: req.headers, body: await readBody(req), at: performance.now() };
    received.push(request);
    const answer = await plan(request, received.length - 1);
    if (answer === "hang") return;
    if (answer === "drop") return void req.socket.destroy();
    res.writeHead(answer.status, { "Content-Type": "text/plain; charset=utf-8", ...answer.headers });
    res.end(answer.body ?? "");
  });
  return { baseURL: `http://127.0.0.1:${server.address().port}/api/v1`, received, close: closer(server) };
}

/**
 * A proxy in front of the real service. plan(request, index) says what to do with each
 * request: "forward" it; "lose" it (forward it, read the whole answer, then close the
 * client's connection without sending it: the request ran, the client never hears); or an
 * answer of its own { status, headers, body }. received: { method, url, headers, at,
 * outcome, status }.
 */
export async function faultProxy(plan) {
  const target = new URL(service.baseURL);
  const received = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const request = { method: req.method, url: req.url, headers: req.headers, at: performance.now() };
    received.push(request);
    const decision = await plan(request, received.length - 1);
    if (typeof decision === "object") {
      request.outcome = "answered";
      request.status = decision.status;
      res.writeHead(decision.status, { "Content-Type": "text/plain; charset=utf-8", ...decision.headers });
      return void res.end(decision.body ?? "");
    }
    const answer = await forward(target, req, body);
    request.outcome = decision;
    request.status = answer.status;
    if (decision === "lose") return void req.socket.destroy();
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  return { baseURL: `http://127.0.0.1:${server.address().port}${target.pathname}`, received, close: closer(server) };
}

function forward(target, req, body) {
  const headers = { ...req.headers, host: target.host, connection: "close" };
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      async (answer) => {
        const text = await readBody(answer);
        const kept = { ...answer.headers };
        delete kept.connection;
        delete kept["transfer-encoding"];
        delete kept["keep-alive"];
        kept["content-length"] = String(Buffer.byteLength(text));
        resolve({ status: answer.statusCode, headers: kept, body: text });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
