/** @module The ui's request guard (src/web/guard.ts) and its activity log (src/activity/log.ts), in process. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activityFile, appendActivity, readActivity } from "../../src/activity/log.ts";
import { newToken, refusal, sameToken } from "../../src/web/guard.ts";

const PORT = 4711;
const TOKEN = newToken();
const req = (method: string, headers: Record<string, string>, path = `/api/meta?token=${TOKEN}`) =>
  new Request(`http://127.0.0.1:${PORT}${path}`, { method, headers, ...(method === "POST" ? { body: "{}" } : {}) });
const host = { host: `127.0.0.1:${PORT}` };

test("tokens are 256 random bits and compare exactly", () => {
  expect(TOKEN).toMatch(/^[0-9a-f]{64}$/);
  expect(newToken()).not.toBe(TOKEN);
  expect(sameToken(TOKEN, TOKEN)).toBe(true);
  expect(sameToken(TOKEN.slice(0, 63) + (TOKEN[63] === "0" ? "1" : "0"), TOKEN)).toBe(false);
  expect(sameToken(null, TOKEN)).toBe(false);
  expect(sameToken("", TOKEN)).toBe(false);
});

test("the guard lets the page's own requests through and names why it refuses the rest", () => {
  expect(refusal(req("GET", host), TOKEN, PORT)).toBeNull();
  expect(refusal(req("GET", { host: `localhost:${PORT}`, "x-cairn-token": TOKEN }, "/api/meta"), TOKEN, PORT)).toBeNull();
  const json = { ...host, "content-type": "application/json" };
  expect(refusal(req("POST", { ...json, origin: `http://127.0.0.1:${PORT}`, "sec-fetch-site": "same-origin" }), TOKEN, PORT)).toBeNull();
  expect(refusal(req("GET", host, "/api/meta"), TOKEN, PORT)).toContain("token");
  expect(refusal(req("GET", { host: "evil.example" }), TOKEN, PORT)).toContain("Host");
  expect(refusal(req("GET", { host: `127.0.0.1:${PORT + 1}` }), TOKEN, PORT)).toContain("Host");
  expect(refusal(req("POST", { ...json, origin: "http://evil.example" }), TOKEN, PORT)).toContain("cross-origin");
  expect(refusal(req("POST", { ...json, origin: "null" }), TOKEN, PORT)).toContain("cross-origin");
  expect(refusal(req("POST", { ...json, "sec-fetch-site": "same-site" }), TOKEN, PORT)).toContain("same-site");
  expect(refusal(req("POST", { ...host, "content-type": "text/plain" }), TOKEN, PORT)).toContain("JSON");
});

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

test("the activity log keeps ids and numbers, skips damaged lines, rotates, and never throws", () => {
  dir = mkdtempSync(join(tmpdir(), "cairn-activity-"));
  appendActivity(dir, { kind: "recall", at: 1, via: "cli", ms: 12.5, mode: "keyword", results: 3 });
  writeFileSync(activityFile(dir), `${readFileSync(activityFile(dir), "utf8")}{"kind":"hook","at":2,"ms"\n`);
  appendActivity(dir, { kind: "hook", at: 3, event: "prompt", ms: 4, path: "cold", injected: ["a"], captured: [] });
  expect(readActivity(dir).map((e) => e.at)).toEqual([1, 3]);
  for (let i = 0; i < 12000; i++) appendActivity(dir, { kind: "recall", at: 10 + i, via: "mcp", ms: 1, mode: "hybrid", results: 0 });
  const all = readActivity(dir);
  expect(all.length).toBeLessThan(12002); // the oldest generation went
  expect(all.at(-1)!.at).toBe(12009);
  appendActivity(join(dir, "missing"), { kind: "recall", at: 1, via: "cli", ms: 1, mode: "keyword", results: 0 });
  expect(readActivity(join(dir, "missing"))).toEqual([]);
});
