/**
 * @module The one redaction boundary: a secret fed through every field of every engine write (remember,
 * update, import, checkpoint, forget reasons, a record handed straight to the store) is absent from the
 * database and its WAL, byte for byte.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { luhnValid } from "../../src/capture/card-numbers.ts";
import { redactMemory } from "../../src/capture/redact-record.ts";
import type { Memory } from "../../src/domain/memory.ts";
import { rawDbBytes } from "../helpers/db.ts";
import { testEngine } from "../helpers/engine.ts";

/** Deterministic pseudo-random characters (mulberry32), so every case gets its own fake secret. */
function generator(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
}
const pick = generator(18);
const AN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";

/** One secret of each shape the issue found stored verbatim: the value (what must vanish) and the text carrying it. */
function secrets(): Array<{ value: string; text: string }> {
  const gh = `ghp_${pick(AN, 36)}`;
  const sig = `${pick(AN, 20)}%2B${pick(AN, 20)}%3D`;
  const skb = pick(HEX, 64);
  const enc = pick(HEX, 64);
  const blob = `${pick(AN, 30)}+${pick(AN, 29)}`;
  const pw = `Xq7!${pick(AN, 10)}`;
  const my = `Mq4${pick(AN, 12)}`;
  const card = luhnCard(`4${pick("0123456789", 14)}`).replace(/(\d{4})(?=\d)/g, "$1 ");
  return [
    { value: gh, text: `GITHUB_TOKEN=${gh}` },
    { value: sig, text: `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=${sig}` },
    { value: skb, text: `SECRET_KEY_BASE=${skb}` },
    { value: enc, text: `the encryption key is ${enc}` },
    { value: blob, text: blob },
    { value: pw, text: `PGPASSWORD='${pw}' psql -h db -U app` },
    { value: my, text: `mysql -u root -p${my} -h db.internal payments` },
    { value: card, text: `card ${card}` },
  ];
}

/** The 15 digits given and the Luhn check digit that makes them a card number. */
function luhnCard(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileEngine() {
  const dir = mkdtempSync(join(tmpdir(), "cairn-boundary-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  // The file's raw bytes are scanned for secrets: plain, so the scan can see what is stored.
  return { ...testEngine({ path, encrypted: false }), path };
}

/**
 * The secrets still present in the database files: whole, or any 12 characters of them in any case (tags are
 * stored lower-case, task tags as slugs, and a cut can keep half a token).
 */
function leaks(path: string, values: string[]): string[] {
  const lower = rawDbBytes(path).toString("latin1").toLowerCase();
  return values.filter((v) => pieces(v).some((p) => lower.includes(p)));
}

function pieces(value: string): string[] {
  const v = value.toLowerCase();
  return Array.from({ length: Math.max(1, v.length - 11) }, (_, i) => v.slice(i, i + 12));
}

type Write = (text: string, engine: ReturnType<typeof testEngine>["engine"]) => unknown;

/** Every engine entry point that persists caller text, and every field it persists. */
const ENTRY_POINTS: Record<string, Write> = {
  "remember content": (t, e) => e.remember({ content: `note: ${t}` }),
  "remember tags": (t, e) => e.remember({ content: "tagged", tags: ["ops", t] }),
  "remember metadata": (t, e) => e.remember({ content: "with metadata", metadata: { note: t, nested: { list: [t] } } }),
  "remember session/agent/source": (t, e) => e.remember({ content: "provenance", sessionId: t, agent: t, source: t }),
  "update content": (t, e) => e.update(e.remember({ content: "to update" }).id, { content: `updated: ${t}` }),
  "update tags": (t, e) => e.update(e.remember({ content: "to retag" }).id, { tags: [t] }),
  "update metadata": (t, e) => e.update(e.remember({ content: "to annotate" }).id, { metadata: { why: t } }),
  import: (t, e) =>
    e.import(
      `${JSON.stringify({ content: `imported ${t}`, tags: ["a", t], session_id: t, agent: t, source: t, metadata: { t } })}\n` +
        `${JSON.stringify({ content: "imported archived", status: "archived", tags: t, metadata: { x: [t] } })}\n`,
    ),
  "checkpoint task/progress/next steps/files/decisions": (t, e) =>
    e.checkpoint({ task: `deploy ${t}`, progress: `done: ${t}`, nextSteps: [`then ${t}`], files: [t], decisions: [`we use ${t}`] }),
  "forget --reason": (t, e) => e.forget(e.remember({ content: "to forget" }).id, { reason: `leaked ${t}` }),
  "forget --hard --reason": (t, e) => e.forget(e.remember({ content: "to purge" }).id, { hard: true, reason: `leaked ${t}` }),
  "hold tag, add and release reasons": (t, e) => e.releaseHold(e.addHold({ tag: t, reason: `asked by ${t}` }).id, `closed ${t}`),
  "retention rule tag": (t, e) => e.setRetention({ tag: t, keepMs: 86_400_000 }),
};

describe("every write path persists no secret", () => {
  for (const [name, write] of Object.entries(ENTRY_POINTS)) {
    test(name, async () => {
      const { engine, path } = fileEngine();
      const cases = secrets();
      for (const { text } of cases) await write(text, engine);
      engine.remember({ content: "canary db.internal.example" });
      engine.close();
      expect(leaks(path, cases.map((c) => c.value))).toEqual([]);
      expect(rawDbBytes(path).includes("db.internal.example")).toBe(true); // the scan sees stored text
    });
  }
});

describe("the boundary itself", () => {
  test("a record handed straight to the engine's store is redacted, and the count is kept", () => {
    const { engine, path } = fileEngine();
    const [gh, , skb] = secrets();
    const m = engine.remember({ content: "plain" }).memory;
    engine.store.replace({ ...m, content: `now ${gh!.text}`, tags: [skb!.text], metadata: { ticket: "OPS-1" } });
    engine.store.appendAudit({ at: 1, actor: "x", op: "update", memoryId: m.id, hashBefore: null, hashAfter: null, contentBefore: gh!.text, detail: { why: skb!.text } });
    const stored = engine.get(m.id, { track: false });
    expect(stored.content).toBe("now GITHUB_TOKEN=[REDACTED:github_token]");
    expect(stored.metadata).toEqual({ ticket: "OPS-1", redacted: 2 });
    // Content hashes follow the redacted content, so duplicate detection still works on it.
    expect(engine.remember({ content: "now GITHUB_TOKEN=[REDACTED:github_token]" }).status).toBe("duplicate");
    engine.close();
    expect(leaks(path, [gh!.value, skb!.value])).toEqual([]);
  });

  test("a checkpoint whose task names a secret is stored without it and found again by the same task", () => {
    const { engine } = testEngine();
    const [gh] = secrets();
    const task = `rotate ${gh!.text}`;
    const { id } = engine.checkpoint({ task, progress: "old token revoked", nextSteps: [] });
    const found = engine.resume({ task });
    expect(found.checkpoint?.id).toBe(id);
    expect(found.state?.task).toBe("rotate GITHUB_TOKEN=[REDACTED:github_token]");
    expect(found.checkpoint?.tags.some((t) => t.includes(gh!.value.slice(4, 16).toLowerCase()))).toBe(false);
  });

  test("a field the table does not know is treated as text", () => {
    const { engine } = testEngine();
    const m = engine.remember({ content: "plain" }).memory;
    const [gh] = secrets();
    const future = { ...m, summary: gh!.text } as Memory & { summary: string };
    const out = redactMemory(future).memory as Memory & { summary: string };
    expect(out.summary).toBe("GITHUB_TOKEN=[REDACTED:github_token]");
    expect(out.id).toBe(m.id);
  });

  test("text without secrets is stored as given, with no redacted marker", () => {
    const { engine } = testEngine();
    const r = engine.remember({ content: "We use pnpm", tags: ["Tooling"], metadata: { ticket: "OPS-1" }, source: "cli" });
    expect(engine.get(r.id).metadata).toEqual({ ticket: "OPS-1" });
    expect(engine.get(r.id).tags).toEqual(["tooling"]);
    engine.forget(r.id, { reason: "moved to the wiki" });
    expect(engine.history(r.id).entries.at(-1)!.detail).toEqual({ reason: "moved to the wiki", statusBefore: "active" });
  });
});
