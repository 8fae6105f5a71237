/**
 * @module The erase path in process: quotes found in summaries and checkpoints (rewritten or purged with
 * their audit history), keyed audit hashes with a chain that still verifies, no reason kept unless asked,
 * and `secure_delete` on every connection cairn opens.
 */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERASED, withoutQuotes } from "../../src/capture/quotes.ts";
import { Engine } from "../../src/engine/engine.ts";
import { openDatabase } from "../../src/store/db.ts";
import { migrate } from "../../src/store/migrations.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { REPO_ROOT } from "../helpers/bin.ts";
import { testEngine } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cairn-erase-"));
  dirs.push(d);
  return d;
}

describe("quotes", () => {
  const P = "The launch codename is BLUEHERON-4471.";
  test("a cut, re-spaced or slugged quote is found and replaced by whole words", () => {
    expect(withoutQuotes("Asked: remember that the launch   codename is BLUEHERON-4471 and ship it.", [P]).text).toBe(`Asked: remember that ${ERASED} and ship it.`);
    expect(withoutQuotes("task:remember-that-the-launch-codename-is-blueheron", [P]).text).toBe(`task:${ERASED}`);
    expect(withoutQuotes("Outcome: it is BLUEHERON-4471 (set).", [P]).text).toBe(`Outcome: it ${ERASED} (set).`);
  });
  test("text sharing less than a quote's length is left alone; a short erased text counts only whole", () => {
    expect(withoutQuotes("the launch went well", [P])).toEqual({ text: "the launch went well", quoted: false });
    expect(withoutQuotes("we use pnpm here", ["use pnpm"]).text).toBe(`we ${ERASED} here`);
    expect(withoutQuotes("we use npm here", ["use pnpm"]).quoted).toBe(false);
  });
});

describe("erasing old versions", () => {
  test("the texts of a memory's earlier versions leave the log and the file; the memory, its chain and a held one stay", () => {
    const dir = tempDir();
    const { engine, store } = testEngine({ path: join(dir, "cairn.db"), encrypted: false });
    const m = engine.remember({ content: "The staging password is hunter2-PELICAN for now." }).memory;
    engine.update(m.id, { content: "The staging password is in the vault (rotated)." });
    engine.update(m.id, { tags: ["ops"] });
    const r = engine.eraseHistory(m.id);
    expect(r).toMatchObject({ id: m.id, versions: 1 });
    expect(r.pendingWal).toBeUndefined();
    expect(JSON.stringify(engine.history(m.id))).not.toContain("PELICAN");
    expect(engine.history(m.id).entries.map((e) => e.op)).toEqual(["create", "update", "update", "erase_history"]);
    // Again, with nothing left to erase: nothing changes, the log included (QA).
    expect(engine.eraseHistory(m.id).versions).toBe(0);
    expect(engine.history(m.id).entries.map((e) => e.op)).toEqual(["create", "update", "update", "erase_history"]);
    // Nor on a memory never changed: its creation's type is no text (QA re-check: the first run wrote an entry).
    const plain = engine.remember({ content: "a plain note never edited" }).memory;
    expect(engine.eraseHistory(plain.id)).toMatchObject({ versions: 0, changed: false });
    expect(engine.history(plain.id).entries.map((e) => e.op)).toEqual(["create"]);
    // A forget's reason is erasable history too.
    engine.forget(m.id, { reason: "it named the vault path" });
    engine.restore(m.id);
    expect(engine.eraseHistory(m.id).versions).toBe(0);
    expect(JSON.stringify(engine.history(m.id))).not.toContain("vault path");
    expect(store.get(m.id)!.content).toBe("The staging password is in the vault (rotated).");
    expect(store.verifyAudit().ok).toBe(true);
    const held = engine.remember({ content: "Exhibit 7 said PELICAN-2" }).memory;
    engine.update(held.id, { content: "Exhibit 7 (sealed)" });
    engine.addHold({ id: held.id, reason: "case 12" });
    expect(() => engine.eraseHistory(held.id)).toThrow(expect.objectContaining({ code: "HELD" }));
    engine.close();
    const bytes = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("latin1")).join("");
    expect(bytes).not.toContain("hunter2-PELICAN");
  });
});

describe("forget --hard in the engine", () => {
  test("summaries quoting the text are rewritten (their old versions erased), one with nothing else is purged", () => {
    const { engine, store } = testEngine();
    const secret = engine.remember({ content: "The launch codename is BLUEHERON-4471." }).memory;
    const summary = engine.remember({ content: "Session summary (2026-01-01). Asked: remember that the launch codename is BLUEHERON-4471.", tags: ["session-summary"] }).memory;
    engine.update(summary.id, { content: `${summary.content} Outcome: the release notes now list the codename BLUEHERON-4471 for the team.` });
    const bare = engine.remember({ content: "Session summary (2026-01-02). Asked: the launch codename is BLUEHERON-4471?", tags: ["session-summary"] }).memory;
    const other = engine.remember({ content: "Session summary (2026-01-03). Asked: fix the flaky cart test.", tags: ["session-summary"] }).memory;
    const r = engine.forget(secret.id, { hard: true });
    expect(r.quoting).toEqual({ rewritten: [summary.id], purged: [bare.id] });
    expect(store.get(bare.id)).toBeNull();
    expect(store.get(other.id)!.content).toBe("Session summary (2026-01-03). Asked: fix the flaky cart test.");
    const rewritten = store.get(summary.id)!;
    expect(rewritten.content).not.toContain("BLUEHERON");
    expect(rewritten.content).toContain("release notes");
    expect(JSON.stringify(store.history(summary.id))).not.toContain("BLUEHERON");
    expect(store.verifyAudit().ok).toBe(true);
  });

  test("the lesson hooks wrote about a captured error, linked to it, loses the error's words with it (QA); a note the user wrote is left", () => {
    const { engine, store } = testEngine();
    const error = engine.remember({ content: "`make tapirbuild` failed: Error: record for JANE-ROE-SECRETNAME not found", type: "error", source: "hook" }).memory;
    const lesson = engine.remember({ content: '`make tapirbuild` failed with "Error: record for JANE-ROE-SECRETNAME not found"; it passed when simply re-run (flaky?).', type: "lesson", source: "hook" }).memory;
    const note = engine.remember({ content: "Ask the records team why JANE-ROE-SECRETNAME was missing from the export.", type: "note" }).memory;
    engine.relate(lesson.id, error.id, "fixes");
    engine.relate(note.id, error.id, "relates_to");
    const r = engine.forget(error.id, { hard: true });
    expect(r.quoting).toEqual({ rewritten: [lesson.id], purged: [] });
    expect(store.get(lesson.id)!.content).toBe('`[erased] with "[erased]"; it passed when simply re-run (flaky?).');
    expect(JSON.stringify(store.history(lesson.id))).not.toContain("SECRETNAME");
    expect(store.get(note.id)!.content).toContain("JANE-ROE-SECRETNAME");
    expect(store.verifyAudit().ok).toBe(true);
  });

  test("a summary under legal hold that quotes the text stops the erase: nothing changes (QA: the held summary was rewritten)", () => {
    const { engine, store } = testEngine();
    const secret = engine.remember({ content: "The launch codename is BLUEHERON-4471." }).memory;
    const summary = engine.remember({ content: "Session summary (2026-01-01). Asked: remember that the launch codename is BLUEHERON-4471.", tags: ["session-summary"] }).memory;
    const hold = engine.addHold({ id: summary.id, reason: "HR investigation, preserve" });
    const err = (() => {
      try {
        engine.forget(secret.id, { hard: true });
      } catch (e) {
        return e as { code: string; message: string };
      }
    })();
    expect(err?.code).toBe("HELD");
    expect(err?.message).toContain(`legal hold ${hold.id}`);
    expect(err?.message).toContain("cannot be rewritten to erase what it quotes");
    expect(store.get(secret.id)!.content).toBe("The launch codename is BLUEHERON-4471.");
    expect(store.get(summary.id)!.content).toContain("BLUEHERON-4471");
  });

  test("the audit keeps keyed hashes only, the chain verifies, and a purge's reason only on request", () => {
    const { engine, store } = testEngine();
    const m = engine.remember({ content: "call 0176 5550123" }).memory;
    engine.update(m.id, { content: "call 0176 5550124" });
    engine.forget(m.id, { hard: true, reason: "it was a phone number" });
    const entries = store.auditLog({ memoryId: m.id, limit: 10 });
    const hashes = entries.flatMap((e) => [e.hashBefore, e.hashAfter]).filter((h) => h !== null);
    expect(hashes.length).toBe(4);
    for (const h of hashes) expect(h).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(hashes).not.toContain(m.contentHash);
    expect(JSON.stringify(entries)).not.toContain("phone number");
    expect(store.verifyAudit().ok).toBe(true);
    const kept = engine.remember({ content: "another memory" }).memory;
    engine.forget(kept.id, { hard: true, reason: "asked by the owner", keepReason: true });
    expect(store.auditLog({ memoryId: kept.id, limit: 1 })[0]!.detail).toEqual({ reason: "asked by the owner" });
  });

  test("the key is a 0600 file in the data directory, made once and reused", () => {
    const dir = tempDir();
    const first = testEngine({ path: join(dir, "cairn.db"), encrypted: false }); // a plain store keeps its HMAC key in audit.key
    const a = first.engine.remember({ content: "same text in two stores" }).memory;
    const keyed = first.store.auditLog({ memoryId: a.id, limit: 1 })[0]!.hashAfter;
    first.engine.close();
    expect(statSync(join(dir, "audit.key")).mode & 0o777).toBe(0o600);
    const key = readFileSync(join(dir, "audit.key"), "utf8").trim();
    expect(keyed).toBe(`hmac:${new Bun.CryptoHasher("sha256", key).update(a.contentHash).digest("hex")}`);
    // Another store has another key: equal texts do not show as equal hashes across stores.
    const other = testEngine({ path: join(tempDir(), "cairn.db"), encrypted: false });
    const b = other.engine.remember({ content: "same text in two stores" }).memory;
    expect(other.store.auditLog({ memoryId: b.id, limit: 1 })[0]!.hashAfter).not.toBe(keyed);
    other.engine.close();
  });
});

describe("secure_delete", () => {
  test("is on for read-write and read-only connections", () => {
    const file = join(tempDir(), "cairn.db");
    for (const readOnly of [false, true]) {
      const db = openDatabase(file, { readOnly });
      expect(db.query("PRAGMA secure_delete").get()).toEqual({ secure_delete: 1 });
      db.close();
    }
  });

  test("every connection src/ opens on cairn's own database goes through secureDelete or openDatabase's configure", () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith(".ts")) {
          readFileSync(path, "utf8").split("\n").forEach((line, i) => {
            if (/new Database\(/.test(line) && !/secureDelete\(new Database\(/.test(line)) found.push(`${path.slice(REPO_ROOT.length + 1)}:${i + 1}`);
          });
        }
      }
    };
    walk(join(REPO_ROOT, "src"));
    // db.ts configures what it opens; write-access.ts opens read-only for db.ts (configured there too);
    // foreign-sqlite.ts reads another program's file, read-only, and never deletes from it.
    expect(found.map((f) => f.replace(/:\d+$/, "")).sort()).toEqual(["src/store/db.ts", "src/store/foreign-sqlite.ts", "src/store/write-access.ts", "src/store/write-access.ts"]);
  });
});

describe("the audit key", () => {
  test("the log records which audit.key its hashes were keyed with: a deleted or replaced one is told", () => {
    const dir = tempDir();
    const { engine, store } = testEngine({ path: join(dir, "cairn.db"), encrypted: false });
    expect(store.auditKeyState()).toBe("unknown");
    engine.remember({ content: "a first memory keys a hash" });
    expect(store.auditKeyState()).toBe("ok");
    const key = join(dir, "audit.key");
    const saved = readFileSync(key);
    rmSync(key);
    expect(store.auditKeyState()).toBe("missing");
    writeFileSync(key, `${"ab".repeat(32)}\n`);
    expect(store.auditKeyState()).toBe("other");
    writeFileSync(key, saved);
    expect(store.auditKeyState()).toBe("ok");
    engine.close();
  });
});

test("an import line holding an erased memory, by id or by its text, is left out and counted; asked for, it is imported", async () => {
  const { engine } = testEngine();
  const m = engine.remember({ content: "Jane Doe asked to be erased, phone 555 0100", type: "fact" }).memory;
  const line = JSON.stringify({ id: m.id, content: m.content, type: "fact", created_at: new Date(m.createdAt).toISOString() });
  engine.forget(m.id, { hard: true });
  expect(await engine.import(`${line}\n${JSON.stringify({ content: m.content, type: "fact" })}\n`)).toMatchObject({ lines: 2, created: 0, erased: 2 });
  expect(engine.list({}).memories).toEqual([]);
  expect(await engine.import(`${line}\n`, undefined, { restoreErased: true })).toMatchObject({ created: 1, erased: 0 });
  expect(engine.get(m.id, { track: false }).content).toBe(m.content);
  // An id of its own, erased, is said to be erased too (QA re-check: "No memory with id").
  await engine.import(`${JSON.stringify({ id: "custom-7", content: "an imported note with its own id" })}\n`);
  engine.forget("custom-7", { hard: true });
  expect(() => engine.get("custom-7")).toThrow(expect.objectContaining({ code: "ERASED" }));
});

test("a text erased by an older cairn, whose purge entry holds its plain SHA-256, is left out of an import too", async () => {
  // A schema-3 store as cairn wrote it before audit hashes were keyed: the purge entry names the text by its
  // plain SHA-256, and the chain covers it, so it stays plain after the upgrade (SECURITY.md).
  const path = join(tempDir(), "cairn.db");
  const raw = new Database(path, { create: true, strict: true });
  migrate(raw, 3);
  const text = "The root password hint for the vault is purple-elephant-42";
  const plain = new Bun.CryptoHasher("sha256").update(text).digest("hex");
  raw.query("INSERT INTO audit (at, actor, op, memory_id, hash_before, hash_after, content_before, detail) VALUES (1, 'cli', 'purge', 'm-old', ?, NULL, NULL, '{}')").run(plain);
  raw.close();
  const engine = new Engine({ store: new SqliteStore(path), project: "/work/app", actor: "test" });
  expect(await engine.import(`${JSON.stringify({ content: text, type: "note" })}\n`)).toMatchObject({ lines: 1, created: 0, erased: 1 });
  expect(engine.list({}).memories).toEqual([]);
  engine.close();
});
