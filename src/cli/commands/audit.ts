/**
 * @module `cairn audit verify|head|log`: the tamper-evident audit log (store/audit-chain.ts). `verify` walks
 * the hash chain (exit 1 naming the first broken entry), `--from <seq:hash>` also proves the log only grew
 * since a head recorded earlier; `head` prints that anchor; `log` lists entries.
 */
import { safeLabel } from "../../domain/label.ts";
import { defineCommand } from "citty";
import { parseOptionalTime, parseOptionalUntil } from "../../domain/time.ts";
import { cairnError } from "../../errors.ts";
import { actionArg, intFlag, jsonFlag, onlyOptions } from "../flags.ts";
import { entryReason, formatDate } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

/** Why the memories were not compared with the log, for the user. */
const UNCHECKED = {
  missing: "audit.key beside the database is gone (deleted?), so a memory edited outside cairn cannot be told; restore it from a backup of the data folder (`cairn doctor` says so too)",
  other: "audit.key beside the database is not the key the log's hashes were made with (deleted and made anew, or replaced), so a memory edited outside cairn cannot be told; restore the old one from a backup of the data folder",
} as const;

export default defineCommand({
  meta: { name: "audit", description: "Verify the audit log's hash chain, print its head (an anchor to keep elsewhere), or list entries." },
  args: {
    action: { type: "positional", required: false, description: "verify (default) | head | log" },
    from: { type: "string", description: "verify: a head printed earlier by `cairn audit head` (seq:hash); proves the log only grew since", valueHint: "seq:hash" },
    memory: { type: "string", description: "log: only this memory's entries (an id, also of a purged memory)", valueHint: "id" },
    actor: { type: "string", description: "log: only entries by this actor: a kind (cli, mcp, hook, ui, sync) takes in all of its clients and sessions, mcp:<client> every version of one client, mcp:<client>/<version> only that version", valueHint: "actor" },
    since: { type: "string", description: "log: from this time on (ISO date or 3d, 2w …)", valueHint: "time" },
    until: { type: "string", description: "log: before this time", valueHint: "time" },
    limit: { type: "string", description: "log: at most this many entries (default 50)", valueHint: "n" },
    ...jsonFlag,
  },
  async run({ args }) {
    const action = actionArg("audit", args.action, ["verify", "head", "log"]);
    onlyOptions("audit", action, args, { from: ["verify"], memory: ["log"], actor: ["log"], since: ["log"], until: ["log"], limit: ["log"] });
    const anchor = args.from === undefined ? undefined : parseAnchor(args.from);
    await withEngine(({ engine }) => {
      if (action === "head") {
        const head = engine.auditHead();
        if (args.json) return output.json({ count: head.count, seq: head.seq, hash: head.hash, anchor: `${head.seq}:${head.hash}` });
        return output.text(`${head.count} audit entries; head ${head.seq}:${head.hash}\nKeep it elsewhere; \`cairn audit verify --from ${head.seq}:${head.hash}\` proves later that nothing before it changed.`);
      }
      if (action === "log") {
        const now = Date.now();
        const limit = intFlag("limit", args.limit, 50);
        // One past the limit says whether the listing stopped short (QA: 50 entries, and no word of more).
        const read = engine.auditLog({
          memory: args.memory,
          actor: args.actor,
          since: parseOptionalTime(args.since, now),
          until: parseOptionalUntil(args.until, now),
          limit: limit + 1,
        });
        const entries = read.slice(0, limit);
        const more = read.length > limit;
        if (args.json) {
          return output.json({
            entries: entries.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, op: e.op, memory_id: e.memoryId, hash_before: e.hashBefore, hash_after: e.hashAfter, entry_hash: e.entryHash, detail: e.detail })),
            more,
          });
        }
        if (entries.length === 0) return output.text("No audit entries match.");
        // Entries written before actors were cleaned may hold line breaks or escapes: shown cleaned (domain/label.ts).
        const lines = entries.map((e) => `${String(e.seq).padStart(6)}  ${formatDate(e.at)}  ${safeLabel(e.actor).padEnd(8)} ${e.op.padEnd(10)} ${e.memoryId}  ${(e.entryHash ?? "").slice(0, 12)}${entryNote(e.op, e.detail)}`);
        if (more) lines.push(`(the newest ${limit}; older entries match too: --limit ${limit * 4}, or --until ${new Date(entries.at(-1)!.at).toISOString()})`);
        return output.text(lines.join("\n"));
      }
      const report = engine.verifyAudit(anchor);
      if (args.json) {
        output.json({
          ok: report.ok, checked: report.checked, head: report.head,
          ...(report.ok && report.memoriesUnchecked ? { memories_checked: false, memories_unchecked: UNCHECKED[report.memoriesUnchecked] } : {}),
          ...(report.ok && report.rebuilt ? { rebuilt: report.rebuilt.map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), copied: r.read, missing: r.missing, missing_at: r.missingAt })) } : {}),
          ...(report.ok ? {} : { broken_at: report.brokenAt, problem: report.problem, ...(report.memory ? { memory: report.memory } : {}), ...(report.policy ? { policy: report.policy } : {}) }),
        });
      } else if (report.ok) {
        output.text(`Audit log intact: ${report.checked} entries chained${anchor ? `, and it still holds ${anchor.seq}:${anchor.hash.slice(0, 12)}…` : ""}; head ${report.head.seq}:${report.head.hash}.`);
        // Without an anchor, entries cut from the end leave a chain that verifies (QA: nothing said so).
        if (!anchor) output.text(`Entries removed from the end of the log leave it intact: keep this head elsewhere and check later with \`cairn audit verify --from ${report.head.seq}:${report.head.hash}\`.`);
        if (report.memoriesUnchecked) output.text(`But the memories were not compared with it: ${UNCHECKED[report.memoriesUnchecked]}.`);
        for (const r of report.rebuilt ?? []) {
          const missing = r.missing === 0 ? "none missing" : `${r.missing} missing (at ${r.missingAt.join(", ")}${r.missing > r.missingAt.length ? ", …" : ""}): lost with the damage, or removed before it`;
          output.text(`Rebuilt by \`cairn doctor --repair\` on ${new Date(r.at).toISOString()} (entry ${r.seq}): ${r.read} entries of the damaged log copied, ${missing}.`);
        }
      } else if (report.memory) {
        // The log is whole; a memory does not match it.
        const at = report.brokenAt > 0 ? ` (audit entry ${report.brokenAt})` : "";
        output.text(`A memory does not match the audit log${at}: ${report.problem}. The log's ${report.checked} entries verify; \`cairn audit log --memory ${report.memory}\` shows what it records.`);
      } else if (report.policy) {
        output.text(`A legal hold or retention rule does not match the audit log (audit entry ${report.brokenAt}): ${report.problem}. The log's ${report.checked} entries verify; nothing is purged until the tables match it again: \`cairn doctor --repair\` writes them back from the log.`);
      } else {
        output.text(`Audit log broken at entry ${report.brokenAt}: ${report.problem}. ${report.checked === 1 ? "1 entry before it verifies" : `${report.checked} entries before it verify`}.`);
      }
      // A check that could not be made is no pass.
      if (!report.ok || report.memoriesUnchecked) process.exitCode = 1;
    });
  },
});

function parseAnchor(text: string): { seq: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw cairnError("USAGE", [`--from takes a head as \`cairn audit head\` prints it (seq:hash, 64 hex digits), got "${text}".`]);
  return { seq: Number(m[1]), hash: m[2]! };
}

/**
 * What an entry adds for the text log: a hold's or rule's action (set or clear, placed or released; QA: a rule set
 * and its clear printed alike) and any entry's reason (a forget's too: QA, it was in --json only).
 */
function entryNote(op: string, detail: Record<string, unknown>): string {
  const policy = op === "retention" || op === "hold" || op === "release";
  const parts = [policy && typeof detail.action === "string" ? detail.action : "", entryReason(detail, 80) ?? ""].filter((p) => p !== "");
  return parts.length > 0 ? `  ${parts.join(" ")}` : "";
}
