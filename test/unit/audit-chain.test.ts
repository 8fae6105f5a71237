/**
 * @module The audit log as a hash chain: 200 random tamperings through raw SQL (a field changed, an entry
 * deleted, inserted, moved, the log truncated after an anchor, the whole chain recomputed after an edit)
 * are all found; erasing a purged memory's text is not a tampering.
 */
import { expect, test } from "bun:test";
import { Rng } from "../../bench/rng.ts";
import { chainRow, entryHash, type StoredChainRow } from "../../src/store/audit-chain.ts";
import { testEngine } from "../helpers/engine.ts";

function world(opts: { encrypted?: boolean } = {}) {
  const t = testEngine(opts);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    ids.push(t.engine.remember({ content: `audit fixture memory ${i} about subject ${i * 13}` }).id);
    t.advance(1000);
  }
  for (let i = 0; i < 6; i++) t.engine.update(ids[i]!, { content: `audit fixture memory ${i} rewritten, version two` });
  t.engine.forget(ids[6]!);
  t.engine.forget(ids[7]!, { hard: true });
  return t;
}

test("an untouched chain verifies, before and after a purge erased text from it", () => {
  const { store } = world();
  const report = store.verifyAudit();
  expect(report.ok).toBe(true);
  expect(report.checked).toBe(store.auditHead().count);
  expect(report.checked).toBeGreaterThanOrEqual(20); // 12 creates, 6 updates, 2 forgets
});

test("200 random tamperings are all found", () => {
  const { store } = world();
  const db = store.database;
  const anchor = store.auditHead();
  const n = anchor.seq;
  const rng = new Rng(20261202);
  const pick = (lo: number, hi: number) => rng.int(lo, hi);
  // Read as the text the chain hashes (the hashes are stored as bytes): an attacker can do the same.
  const rows = () => (db.query("SELECT * FROM audit ORDER BY seq").all() as StoredChainRow[]).map(chainRow);
  const kinds = ["field", "delete", "insert", "swap", "truncate", "rewrite"] as const;
  const seen = new Map<string, number>();
  for (let trial = 0; trial < 200; trial++) {
    const kind = kinds[trial % kinds.length]!;
    db.run("SAVEPOINT tamper");
    try {
      // An attacker with the file can drop the guards.
      db.run("DROP TRIGGER audit_no_delete");
      db.run("DROP TRIGGER audit_only_purge");
      const k = pick(1, n);
      if (kind === "field") {
        const field = (["at", "actor", "op", "memory_id", "hash_before", "hash_after"] as const)[pick(0, 5)]!;
        const value = field === "at" ? pick(1, 1e9) : `forged-${trial}`;
        db.query(`UPDATE audit SET ${field} = ? WHERE seq = ?`).run(value, k);
      } else if (kind === "delete") {
        db.query("DELETE FROM audit WHERE seq = ?").run(k);
      } else if (kind === "insert") {
        // A forged entry slipped in after entry k (inside the log: one appended at the end, correctly
        // hashed, is the log growing), hashed against k; later entries move up.
        const at = Math.min(k, n - 1);
        db.query("UPDATE audit SET seq = seq + 1000000 WHERE seq > ?").run(at);
        db.query("UPDATE audit SET seq = seq - 999999 WHERE seq > 1000000").run();
        const prev = rows()[at - 1]!.entry_hash!;
        const f = { seq: at + 1, at: 5, actor: "cli", op: "create", memory_id: `forged-${trial}`, hash_before: null, hash_after: "x" };
        db.query("INSERT INTO audit (seq, at, actor, op, memory_id, hash_before, hash_after, detail, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)").run(
          f.seq, f.at, f.actor, f.op, f.memory_id, f.hash_before, f.hash_after, prev, entryHash(f, prev),
        );
      } else if (kind === "swap") {
        const j = k === n ? k - 1 : k + 1;
        const all = rows();
        const [a, b] = [all[k - 1]!, all[j - 1]!];
        const move = db.query("UPDATE audit SET at = ?, actor = ?, op = ?, memory_id = ?, hash_before = ?, hash_after = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?");
        move.run(b.at, b.actor, b.op, b.memory_id, b.hash_before, b.hash_after, b.prev_hash, b.entry_hash, a.seq);
        move.run(a.at, a.actor, a.op, a.memory_id, a.hash_before, a.hash_after, a.prev_hash, a.entry_hash, b.seq);
      } else if (kind === "truncate") {
        db.query("DELETE FROM audit WHERE seq > ?").run(Math.min(k, n - 1));
      } else {
        // Edit one entry, then recompute every hash after it: only the anchor kept elsewhere catches this.
        db.query("UPDATE audit SET actor = 'mallory' WHERE seq = ?").run(k);
        let prev = k === 1 ? "0".repeat(64) : rows()[k - 2]!.entry_hash!;
        for (const r of rows().slice(k - 1)) {
          const hash = entryHash(r, prev);
          db.query("UPDATE audit SET prev_hash = ?, entry_hash = ? WHERE seq = ?").run(prev, hash, r.seq);
          prev = hash;
        }
      }
      const report = store.verifyAudit({ seq: anchor.seq, hash: anchor.hash });
      if (report.ok) throw new Error(`trial ${trial} (${kind} at ${k}) was not detected`);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    } finally {
      db.run("ROLLBACK TO tamper");
      db.run("RELEASE tamper");
    }
  }
  expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(200);
  // The guards are back and the untouched log still verifies against its anchor.
  expect(store.verifyAudit({ seq: anchor.seq, hash: anchor.hash }).ok).toBe(true);
  expect(() => db.run("DELETE FROM audit WHERE seq = 1")).toThrow("append-only");
});

test("in an encrypted store, an entry's sealed old text or details altered, or moved from another entry, is named", () => {
  for (const tamper of ["move details", "move old text", "alter old text", "blank old text", "blank details"] as const) {
    const { store } = world({ encrypted: true });
    expect(store.verifyAudit().ok).toBe(true);
    const db = store.database;
    const updates = db.query("SELECT seq, content_before, detail FROM audit WHERE content_before IS NOT NULL ORDER BY seq").all() as Array<{ seq: number; content_before: string; detail: string }>;
    const [a, b] = [updates[0]!, updates[1]!];
    db.run("DROP TRIGGER audit_only_purge");
    if (tamper === "move details") db.query("UPDATE audit SET detail = ? WHERE seq = ?").run(b.detail, a.seq);
    if (tamper === "move old text") db.query("UPDATE audit SET content_before = ? WHERE seq = ?").run(b.content_before, a.seq);
    if (tamper === "alter old text") db.query("UPDATE audit SET content_before = ? WHERE seq = ?").run(`${a.content_before.slice(0, -4)}AAA=`, a.seq);
    if (tamper === "blank old text") db.query("UPDATE audit SET content_before = NULL WHERE seq = ?").run(a.seq);
    if (tamper === "blank details") db.query("UPDATE audit SET detail = '{}' WHERE seq = ?").run(a.seq);
    const report = store.verifyAudit();
    expect(report).toMatchObject({ ok: false, brokenAt: a.seq, problem: expect.stringContaining(tamper.startsWith("blank") ? "blanked" : "integrity check") });
    // The entries before it verify, not the whole log (QA: "4 entries before it verify" of entry 2).
    expect(report).toMatchObject({ checked: a.seq - 1 });
  }
});
