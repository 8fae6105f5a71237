/**
 * @module What a repair says about the audit log it copied. `doctor --repair` copies the readable entries of a
 * damaged database into a new chain (salvage.ts): numbered and hashed again, that chain verifies, and so it
 * once hid what the old one showed (QA: an entry removed and an actor edited before the damage, then repaired,
 * and `audit verify` said "intact"). The old entries are now walked as they are copied: entries missing
 * between those read (lost with the damage, or removed) and the first entry that no longer matches its hash
 * or link (edited) are counted, and the repair writes them into the new chain as a `repair` entry of its own.
 * `audit verify` reads those entries: a log rebuilt from a broken chain fails, naming where the old one broke;
 * one rebuilt with entries missing verifies, and says so.
 */
import type { Database } from "bun:sqlite";
import { appendAudit, detailText } from "./audit.ts";
import { type ChainReport, chainRow, entryHash, GENESIS, type RepairNote, type StoredChainRow } from "./audit-chain.ts";
import type { ContentCodec } from "./content-codec.ts";

/** The old log as a repair read it. */
export interface OldChain {
  /** Entries read and copied. */
  read: number;
  /** Entries missing between those read: lost with the damage, or removed. */
  missing: number;
  /** Where they were missing ("6", "60–110"), at most {@link SHOWN_RANGES}. */
  missingAt: string[];
  /** The first entry read that no longer matches its hash or its link to the entry before it; null if none. */
  brokenAt: number | null;
  problem: string | null;
  /** The old log's last entry read, and its hash: what an anchor taken before the repair would name. */
  lastSeq: number;
  lastHash: string | null;
}

const SHOWN_RANGES = 10;

/** Walks the old log's rows in order as they are read, gaps and all. */
export class OldChainWalk {
  #chain: OldChain = { read: 0, missing: 0, missingAt: [], brokenAt: null, problem: null, lastSeq: 0, lastHash: null };
  /** The hash of the entry before the next one, when that entry was read. */
  #prev: string | null = GENESIS;
  #expected = 1;

  take(stored: StoredChainRow): void {
    const r = chainRow(stored);
    const c = this.#chain;
    if (r.seq !== this.#expected) {
      c.missing += r.seq - this.#expected;
      if (c.missingAt.length < SHOWN_RANGES) c.missingAt.push(r.seq - 1 === this.#expected ? `${this.#expected}` : `${this.#expected}–${r.seq - 1}`);
      // The entry before this one was not read: its own hash covers a link that cannot be checked.
      this.#prev = r.prev_hash;
    }
    if (c.brokenAt === null && this.#prev !== null) {
      if (r.prev_hash !== null && r.prev_hash !== this.#prev) this.#broke(r.seq, "its link to the entry before it does not match (an entry was removed, added or moved)");
      else if (r.entry_hash !== entryHash(r, this.#prev)) this.#broke(r.seq, "its fields no longer match its hash (it was edited)");
    }
    this.#prev = r.entry_hash;
    this.#expected = r.seq + 1;
    c.read++;
    c.lastSeq = r.seq;
    c.lastHash = r.entry_hash;
  }

  #broke(seq: number, problem: string): void {
    this.#chain.brokenAt = seq;
    this.#chain.problem = problem;
  }

  result(): OldChain {
    return { ...this.#chain, missingAt: [...this.#chain.missingAt] };
  }
}

/** Writes what the repair found of the old log into the new chain, as its own entry. */
export function recordRepair(db: Database, codec: ContentCodec, old: OldChain, at: number): void {
  appendAudit(
    db,
    {
      at,
      actor: "doctor",
      op: "repair",
      memoryId: `repair-${at.toString(36)}`,
      hashBefore: null,
      hashAfter: null,
      contentBefore: null,
      detail: {
        read: old.read,
        missing: old.missing,
        missing_at: old.missingAt,
        broken_at: old.brokenAt,
        problem: old.problem,
        old_last_seq: old.lastSeq,
        old_last_hash: old.lastHash,
      },
    },
    codec,
  );
}

/** A repair the log records, and where the chain it rebuilt was broken already (null: nowhere). */
export type Rebuilt = RepairNote & Pick<OldChain, "brokenAt" | "problem">;

/** The repairs the log records, oldest first. */
export function repairsInLog(db: Database, codec: ContentCodec): Rebuilt[] {
  const rows = db.query("SELECT seq, at, detail FROM audit WHERE op = 'repair' ORDER BY seq").all() as Array<{ seq: number; at: number; detail: string }>;
  return rows.map((r) => {
    const d = JSON.parse(detailText(r, codec)) as Record<string, unknown>;
    const missingAt = Array.isArray(d.missing_at) ? d.missing_at.map(String) : [];
    const brokenAt = typeof d.broken_at === "number" ? d.broken_at : null;
    const problem = typeof d.problem === "string" ? d.problem : null;
    return { seq: r.seq, at: r.at, read: Number(d.read) || 0, missing: Number(d.missing) || 0, missingAt, brokenAt, problem };
  });
}

/**
 * A verified chain as the repairs in it leave it: failed when a repair rebuilt it from a chain already broken
 * (what came before cannot be proven), else ok with the repairs listed; an anchor from before a repair is
 * explained rather than called a truncation.
 */
export function withRepairs(report: ChainReport, repairs: readonly Rebuilt[], anchor?: { seq: number; hash: string }): ChainReport {
  if (repairs.length === 0) return report;
  const broken = repairs.find((r) => r.brokenAt !== null);
  if (report.ok && broken) {
    return {
      ok: false, head: report.head, checked: report.checked, brokenAt: broken.seq,
      problem: `the log was rebuilt by \`cairn doctor --repair\` (entry ${broken.seq}) from a log whose chain was already broken at its entry ${broken.brokenAt}: ${broken.problem}; what happened before the repair cannot be proven`,
    };
  }
  if (!report.ok && anchor && anchor.seq > 0) {
    const last = repairs[repairs.length - 1]!;
    return { ...report, problem: `${report.problem}. The log was rebuilt by \`cairn doctor --repair\` at its entry ${last.seq}: an anchor taken before that repair names the old log, not this one; take a new one with \`cairn audit head\`` };
  }
  return report.ok ? { ...report, rebuilt: repairs.map(({ brokenAt: _, problem: __, ...note }) => note) } : report;
}
