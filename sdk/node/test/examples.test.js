// The examples work: examples/*.ts type-check under strict tsc and run against the service,
// and so does each complete program (a ```js block that starts with an import) of README.md.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { service } from "./support.js";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
// Inside the package, so that `import ... from "kataven"` resolves to it.
const BUILD = mkdtempSync(`${PACKAGE}.examples-`);
after(() => rmSync(BUILD, { recursive: true, force: true }));

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    execFile(command, args, {
      cwd: PACKAGE,
      env: { PATH: process.env.PATH, KATAVEN_API_KEY: service.apiKey, KATAVEN_BASE_URL: service.baseURL, ...env },
      timeout: 120_000,
    }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}`, stdout }));
  });
}

test("examples/*.ts type-check with strict tsc, and run against the service", async () => {
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  const built = await run(process.execPath, [tsc, "-p", "examples", "--noEmit", "false", "--rootDir", "examples", "--outDir", BUILD]);
  assert.ok(built.ok, `tsc:\n${built.output}`);
  const programs = readdirSync(BUILD).filter((name) => name.endsWith(".js"));
  assert.deepEqual(programs, ["telephony.js"]);
  const ran = await run(process.execPath, [`${BUILD}/telephony.js`], { KATAVEN_PLATFORM_KEY: service.platformKey });
  assert.ok(ran.ok, ran.output);
  assert.match(ran.stdout, /^route: fallback$/m); // the platform key's part ran
  assert.match(ran.stdout, /^example passed: \+1202\d{7}$/m);
});

test("the README's programs run against the service", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const programs = [...readme.matchAll(/```js\n(import [\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(programs.length >= 1, "README.md has no program");
  let printed = "";
  for (const [i, program] of programs.entries()) {
    const file = `${BUILD}/readme-${i}.mjs`;
    writeFileSync(file, program);
    const ran = await run(process.execPath, [file], { KATAVEN_PLATFORM_KEY: service.platformKey });
    assert.ok(ran.ok, `README program ${i + 1}:\n${program}\n---\n${ran.output}`);
    printed += ran.stdout;
  }
  // The router's program routed the number it registered: no agent, so its fallback.
  assert.match(printed, /^fallback \+12025550199$/m);
  assert.match(printed, /^[0-9a-f]{16} \d+$/m);
});
