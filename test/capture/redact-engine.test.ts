/** @module Redaction on the engine's one write path: secrets never reach the database, its FTS index or the audit log. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawDbBytes } from "../helpers/db.ts";
import { testEngine } from "../helpers/engine.ts";

// Fake values shaped like real credentials (random, never issued by anyone).
const GH = "ghp_Q7mZ2xK9vR4tL8wN3pB6yH1cF5dJ0sA2eG4u";
const DB_PASS = "Vb7#kQ2mZp9xR4tw";
const API_KEY = "t8Kq2Lm9Zx4Rv7Pw3Nc6";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileEngine() {
  const dir = mkdtempSync(join(tmpdir(), "cairn-redact-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  // The file's raw bytes are scanned for secrets: plain, so the scan can see what is stored.
  return { ...testEngine({ path, encrypted: false }), path };
}

describe("remember", () => {
  test("a remembered secret is stored redacted, with the count in metadata", async () => {
    const { engine, path } = fileEngine();
    const r = engine.remember({
      content: `Deploy uses GITHUB_TOKEN=${GH} and postgres://deploy:${DB_PASS}@db.internal:5432/app`,
      metadata: { ticket: "OPS-12", env: { api_key: API_KEY, note: `token ${GH}` } },
    });
    expect(r.memory.content).toBe(
      "Deploy uses GITHUB_TOKEN=[REDACTED:github_token] and postgres://deploy:[REDACTED:password]@db.internal:5432/app",
    );
    expect(r.memory.metadata).toEqual({
      ticket: "OPS-12",
      env: { api_key: "[REDACTED:secret]", note: "token [REDACTED:github_token]" },
      redacted: 4,
    });
    for (const secret of [GH, DB_PASS, API_KEY]) {
      expect((await engine.recall({ query: secret })).results).toEqual([]);
    }
    // The structure of the memory is still findable.
    expect((await engine.recall({ query: "deploy postgres" })).results.map((x) => x.memory.id)).toEqual([r.id]);
    engine.close();
    const bytes = rawDbBytes(path);
    for (const secret of [GH, DB_PASS, API_KEY]) expect(bytes.includes(secret)).toBe(false);
    expect(bytes.includes("db.internal")).toBe(true); // the check can see stored text at all
  });

  test("memories without secrets get no redacted marker", () => {
    const { engine } = testEngine();
    const m = engine.remember({ content: "We use pnpm, not npm", metadata: { ticket: "OPS-1" } }).memory;
    expect(m.metadata).toEqual({ ticket: "OPS-1" });
  });

  test("import goes through the same redaction", async () => {
    const { engine } = testEngine();
    const line = JSON.stringify({ content: `the staging key is sk-proj-${"Ab3dE5fG7h".repeat(5)}`, type: "fact" });
    await engine.import(`${line}\n`);
    const [m] = engine.list().memories;
    expect(m?.content).toBe("the staging key is [REDACTED:openai_key]");
  });
});

describe("update", () => {
  test("new content and metadata are redacted; the count lands in metadata and the audit entry", async () => {
    const { engine, path } = fileEngine();
    const { id } = engine.remember({ content: "CI needs a token", metadata: { ticket: "OPS-7" } });
    const next = engine.update(id, { content: `CI needs GITHUB_TOKEN=${GH}` });
    expect(next.content).toBe("CI needs GITHUB_TOKEN=[REDACTED:github_token]");
    expect(next.metadata).toEqual({ ticket: "OPS-7", redacted: 1 });
    const audit = engine.history(id).entries.at(-1)!;
    expect(audit.detail).toMatchObject({ redacted: 1 });
    const withMeta = engine.update(id, { metadata: { password: DB_PASS } });
    expect(withMeta.metadata).toEqual({ password: "[REDACTED:secret]", redacted: 1 });
    expect((await engine.recall({ query: GH })).results).toEqual([]);
    engine.close();
    const bytes = rawDbBytes(path);
    expect(bytes.includes(GH)).toBe(false);
    expect(bytes.includes(DB_PASS)).toBe(false);
  });
});
