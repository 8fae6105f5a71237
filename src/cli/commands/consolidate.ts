/**
 * @module `cairn consolidate [--dry-run] [--undo <id>]`: fold near-copies and same-error groups into one
 * consolidated memory each (engine/consolidate.ts), sources archived and linked; `--undo` reverses one.
 */
import { defineCommand } from "citty";
import { CONSOLIDATION_REASONS, type ConsolidateReport, type ConsolidationReason } from "../../engine/consolidate.ts";
import { cairnError } from "../../errors.ts";
import { jsonFlag, listFlag, scopeFlags, scopeFrom } from "../flags.ts";
import { formatDate, projectLabel } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";
import { cutText } from "../../text/cut.ts";

export default defineCommand({
  meta: {
    name: "consolidate",
    description: "Fold memories that say the same thing (or are about one error) into one; sources are archived, not deleted (--dry-run: only show; --undo <id>: reverse).",
  },
  args: {
    "dry-run": { type: "boolean", description: "show the groups and the text each would become; change nothing" },
    undo: { type: "string", description: "reverse the consolidation that made this memory: its sources come back" },
    only: { type: "string", description: `kinds of group, comma-separated: ${CONSOLIDATION_REASONS.join(", ")} (default both)` },
    ...scopeFlags,
    ...jsonFlag,
  },
  async run({ args }) {
    // An undo takes effect at once: with --dry-run it was carried out anyway (QA).
    if (args.undo !== undefined && args["dry-run"]) throw cairnError("ONE_OF", ["--undo and --dry-run (an undo has no dry run: `cairn get <id>` shows what it would bring back)"]);
    await withEngine(({ engine }) => {
      if (args.undo !== undefined) {
        const r = engine.undoConsolidation(args.undo);
        if (args.json) return output.json(r);
        if (r.already) return output.text(`Consolidation ${r.id} was undone already (it is archived and no source is); nothing changed.`);
        const back = r.supersededBy ? `superseded by ${r.supersededBy}, as it was` : "active again";
        const lines = [`Undid consolidation ${r.id}: it is archived, ${r.restored.length} source(s) are ${back}.`];
        if (r.missing.length > 0) lines.push(`Not restored (purged, forgotten since, or no longer archived): ${r.missing.join(", ")}`);
        if (r.edited) lines.push(`${r.id} was edited after it was made: those edits stay with it, archived (\`cairn get ${r.id} --history\` shows them; \`cairn restore ${r.id}\` brings it back).`);
        return output.text(lines.join("\n"));
      }
      const reasons = reasonsFlag(args.only);
      const r = engine.consolidate({ ...scopeFrom(args), dryRun: args["dry-run"] === true, reasons });
      if (args.json) return output.json(reportToJson(r));
      output.text(describe(r));
    });
  },
});

function reasonsFlag(value: string | undefined): ConsolidationReason[] | undefined {
  const given = listFlag(value);
  // `--only ""` names no kind: refused, not taken as both (QA).
  if (!given && value !== undefined) throw cairnError("CONSOLIDATE_KIND", [value, CONSOLIDATION_REASONS.join(", ")]);
  if (!given) return undefined;
  const bad = given.find((g) => !(CONSOLIDATION_REASONS as readonly string[]).includes(g));
  if (bad !== undefined) throw cairnError("CONSOLIDATE_KIND", [bad, CONSOLIDATION_REASONS.join(", ")]);
  return given as ConsolidationReason[];
}

function describe(r: ConsolidateReport): string {
  const done = r.groups.filter((g) => !g.skipped && (r.dryRun || g.id));
  if (r.groups.length === 0) return `Scanned ${r.scanned} active memories: nothing to consolidate.`;
  const lines = [`Scanned ${r.scanned} active memories; ${r.dryRun ? "would consolidate" : "consolidated"} ${done.length} group(s):`];
  for (const g of r.groups) {
    const head = g.skipped ? `skipped (${g.skipped})` : g.id ? `→ ${g.id}` : "(dry run)";
    lines.push(`  ${g.reason.padEnd(11)} ${g.type.padEnd(10)} ${projectLabel(g.project).padEnd(16)} ${g.sources.length} memories, ${formatDate(g.first)} … ${formatDate(g.last)} ${head}`);
    lines.push(`    sources: ${g.sources.map((s) => s.slice(-8)).join(" ")}`);
    const text = g.content.split("\n");
    for (const line of text.slice(0, 4)) lines.push(`    │ ${line.length > 160 ? `${cutText(line, 157)}…` : line}`);
    // The rest is said to be there (a later fix line looked lost: QA).
    if (text.length > 4) lines.push(`    │ … ${text.length - 4} more line(s): --json shows the whole text`);
  }
  if (!r.dryRun && done.length > 0) lines.push("Undo one with `cairn consolidate --undo <id>`.");
  return lines.join("\n");
}

function reportToJson(r: ConsolidateReport) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    dry_run: r.dryRun,
    at: iso(r.at),
    scanned: r.scanned,
    groups: r.groups.map((g) => ({
      reason: g.reason,
      id: g.id,
      type: g.type,
      project: g.project,
      sources: g.sources,
      content: g.content,
      tags: g.tags,
      first: iso(g.first),
      last: iso(g.last),
      ...(g.skipped ? { skipped: g.skipped } : {}),
    })),
  };
}
