/**
 * @module `cairn sweep [--dry-run]`: apply the retention rules now (engine/sweep.ts): expire what is past
 * retention, purge what is past its grace, skip what a legal hold covers; print each.
 */
import { defineCommand } from "citty";
import { SWEEP_BATCH, sweptSoFar, type SweepReport } from "../../engine/sweep.ts";
import { partialOf, stoppedPartWay } from "../../engine/part-way.ts";
import { jsonFlag } from "../flags.ts";
import { formatDate, projectLabel } from "../format.ts";
import { output, progress } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "sweep", description: "Apply the retention rules now: expire what is past retention, purge what is past its grace (--dry-run: only show)." },
  args: {
    "dry-run": { type: "boolean", description: "show what the sweep would expire and purge; change nothing" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const rules = engine.retentionRules().length;
      const dryRun = args["dry-run"] === true;
      let r = engine.sweep({ dryRun });
      // Asked for, the sweep takes everything past retention, a batch at a time (an idle one takes one batch).
      while (!dryRun && r.more) {
        progress(`cairn sweep: ${r.expired.length} expired so far; more are past retention…`);
        try {
          r = merged(r, engine.sweep());
        } catch (err) {
          // The batches before this one are done too, and their receipts are said with the failure.
          const partial = partialOf<SweepReport>(err);
          throw stoppedPartWay(err, "sweep", sweptSoFar(partial ? merged(r, partial) : r));
        }
      }
      if (args.json) return output.json(sweepToJson(r, rules));
      const short = (id: string) => id.slice(-8);
      const lines: string[] = [];
      const verb = (done: string, would: string) => (r.dryRun ? would : done);
      if (rules === 0) lines.push("No retention rules are set, so nothing expires or is purged (`cairn retention set --type <type> --keep <duration>` adds one).");
      if (r.expired.length > 0) {
        lines.push(`${verb("Expired", "Would expire")} ${r.expired.length} (no longer recalled; purged after their grace):`);
        for (const e of r.expired) lines.push(`  ${short(e.id)}  ${e.type.padEnd(10)} ${projectLabel(e.project).padEnd(16)} ${e.why}; purge after ${formatDate(e.purgeAfter)}`);
      }
      if (r.purged.length > 0) {
        lines.push(`${verb("Purged", "Would purge")} ${r.purged.length} (text gone from every table):`);
        for (const p of r.purged) {
          lines.push(`  ${short(p.id)}  ${p.type.padEnd(10)} ${projectLabel(p.project).padEnd(16)} rule ${p.rule}` + (p.receipt ? `; receipt: content hash ${p.receipt.contentHash} (keyed), audit entry ${p.receipt.auditSeq}:${p.receipt.auditHash}` : ""));
          if (p.with?.purged.length) lines.push(`            purged with it (built from or quoting its text): ${p.with.purged.map(short).join(", ")}`);
          if (p.with?.rewritten.length) lines.push(`            rewritten without its text: ${p.with.rewritten.map(short).join(", ")}`);
        }
        if (r.dryRun) lines.push("  Memories built from or quoting them (consolidations, session summaries) are rebuilt, rewritten or purged with them, as `forget --hard` does.");
      }
      if (r.held.length > 0) {
        lines.push(`Left ${r.held.length} under legal hold:`);
        for (const h of r.held) lines.push(`  ${short(h.id)}  not ${h.step === "expire" ? "expired" : "purged"}: ${h.hold}`);
      }
      if (r.released.length > 0) {
        lines.push(`${verb("Brought back", "Would bring back")} ${r.released.length} expired by an earlier sweep that no rule holds past retention any more (a rule cleared or lengthened, a tag taken off):`);
        for (const b of r.released) lines.push(`  ${short(b.id)}  ${b.type.padEnd(10)} ${projectLabel(b.project).padEnd(16)} was expired under ${b.rule}`);
      }
      if (rules > 0 && r.expired.length + r.purged.length + r.held.length + r.released.length === 0) lines.push("Nothing is past retention.");
      if (r.more) lines.push(`More are past retention than a dry run lists (${SWEEP_BATCH} a rule); \`cairn sweep\` takes them all.`);
      output.text(lines.join("\n"));
    });
  },
});

/** Two sweeps' reports as one; a memory reported held by both is listed once. */
function merged(a: SweepReport, b: SweepReport): SweepReport {
  const held = new Map([...a.held, ...b.held].map((h) => [`${h.id} ${h.step}`, h]));
  return { ...b, expired: [...a.expired, ...b.expired], purged: [...a.purged, ...b.purged], released: [...a.released, ...b.released], held: [...held.values()] };
}

function sweepToJson(r: SweepReport, rules: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    dry_run: r.dryRun,
    at: iso(r.at),
    rules,
    expired: r.expired.map((e) => ({ id: e.id, type: e.type, project: e.project, rule: e.rule, why: e.why, purge_after: iso(e.purgeAfter) })),
    purged: r.purged.map((p) => ({
      id: p.id,
      type: p.type,
      project: p.project,
      rule: p.rule,
      why: p.why,
      ...(p.receipt ? { receipt: { content_hash: p.receipt.contentHash, audit_seq: p.receipt.auditSeq, audit_hash: p.receipt.auditHash } } : {}),
      ...(p.with ? { with: p.with } : {}),
    })),
    held: r.held.map((h) => ({ id: h.id, hold: h.hold, step: h.step })),
    released: r.released,
    more: r.more,
  };
}
