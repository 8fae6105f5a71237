/** @module `cairn remember <text>`: store a memory (or reinforce the one that already says it). */
import { defineCommand } from "citty";
import { parseDuration, parseOptionalTime } from "../../domain/time.ts";
import { cairnError } from "../../errors.ts";
import { reportedOnly } from "../../capture/change-rules.ts";
import { splitTagList } from "../../capture/normalize.ts";
import { intFlag, jsonFlag, positionalText, writeScopeFlags, writeScopeFrom } from "../flags.ts";
import { projectLabel } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";
import { readStdinText, stdinIsPiped } from "../stdin.ts";

export default defineCommand({
  meta: { name: "remember", description: "Store a memory. Text from the arguments, or from stdin with - (or when piped)." },
  args: {
    text: { type: "positional", required: false, description: "what to remember (- reads stdin)" },
    type: { type: "string", description: "decision | lesson | error | preference | fact | task | checkpoint | note", default: undefined },
    tags: { type: "string", description: "comma-separated tags", valueHint: "a,b" },
    "event-time": { type: "string", description: "when it happened, if not now (ISO date or time, UTC unless it says; or 3d, 2w …)", valueHint: "time" },
    priority: { type: "string", description: "1 (low) … 5 (high); default depends on the type", valueHint: "1-5" },
    ttl: { type: "string", description: "expire after this long: 12h, 7d, 2w, 6mo, 1y (minutes: 30min); 'never' to keep forever", valueHint: "duration" },
    distinct: { type: "boolean", description: "store it even if a memory says the same in other words (an exact repeat is still reinforced)" },
    ...writeScopeFlags,
    ...jsonFlag,
  },
  async run({ args }) {
    let text = positionalText(args);
    // Piped text is read when no text is given at all; an empty argument (an unset "$NOTE") is no text (QA: it
    // read the script's own stdin and stored it).
    if (text === "-" || (args._.length === 0 && stdinIsPiped())) text = await readStdinText();
    if (text.trim() === "") throw cairnError("EMPTY_CONTENT");
    await withEngine(({ engine }) => {
      const now = Date.now();
      const scope = writeScopeFrom(args);
      const result = engine.remember({
        content: text,
        type: args.type,
        tags: splitTagList(args.tags),
        project: scope.project,
        eventTime: parseOptionalTime(args["event-time"], now) ?? null,
        priority: intFlag("priority", args.priority, undefined),
        ttlMs: parseTtl(args.ttl),
        source: "cli",
        distinct: args.distinct === true,
      });
      const conflicts = result.conflicts ?? [];
      const superseded = result.superseded ?? [];
      // A repeat keeps the stored memory's type: said, with how to change it (QA: --type was silently not applied).
      const typeKept = result.typeKept;
      if (args.json) {
        return output.json({
          id: result.id,
          status: result.status,
          ...(typeKept ? { type_kept: typeKept } : {}),
          ...(result.sameMeaning ? { same_meaning: true, content: result.memory.content } : {}),
          ...(result.held ? { held: true } : {}),
          ...(conflicts.length > 0 ? { conflicts } : {}),
          ...(superseded.length > 0 ? { superseded } : {}),
          ...(result.newProject ? { new_project: true } : {}),
          ...(result.redacted ? { redacted: result.redacted } : {}),
        });
      }
      const m = result.memory;
      const where = `${m.type}, ${projectLabel(m.project)}`;
      const short = engine.shortIds([m.id, ...conflicts.map((r) => r.id), ...superseded.map((r) => r.id)]);
      const id = short.get(m.id);
      const lines = [
        result.status === "created"
          ? `Remembered ${id} (${where})`
          : result.sameMeaning
            ? `Already remembered in other words as ${id} (${where}): ${m.content}\n  Reinforced it instead of storing a copy. If yours says more, \`cairn edit ${id} --content …\` rewords it; \`--distinct\` stores yours as a memory of its own.`
            : result.held
              ? `Already remembered as ${id} (${where}), which is under a legal hold: left exactly as it is (no tags or lifetime merged into it).`
              : `Already remembered as ${id} (${where}); reinforced it instead of storing a copy.`,
        ...(typeKept ? [`  It stays a ${typeKept}: --type ${args.type} is not applied to a memory already stored (\`cairn edit ${id} --type ${args.type}\` changes it).`] : []),
        ...superseded.map((r) => `  supersedes ${short.get(r.id)} (${r.reason}): ${r.content}`),
        ...conflicts.map((r) => `  may conflict with ${short.get(r.id)} (${r.reason}): ${r.content}`),
      ];
      if (superseded.length > 0) {
        const old = superseded.length === 1 ? short.get(superseded[0]!.id) : "<id>";
        lines.push(`  If that is wrong, \`cairn restore ${old}\` brings the old one back.`);
      }
      if (result.redacted) {
        lines.push(`  ${result.redacted === 1 ? "A secret was" : `${result.redacted} secrets were`} taken out before storing: [REDACTED:<kind>] stands in place of the value, which was not kept.`);
      }
      if (result.newProject) {
        lines.push(`  New project "${projectLabel(m.project)}": no memory was stored under it before. If that is a typo, \`cairn edit ${id} --project <name>\` moves it (\`cairn stats\` lists the projects).`);
      }
      if (conflicts.length > 0) {
        const old = conflicts.length === 1 ? short.get(conflicts[0]!.id) : "<id>";
        // A conflict kept as a link moves the new one ahead in recall until dismissed; one only reported does not.
        const kept = conflicts.some((c) => !reportedOnly(c.reason));
        const otherwise = kept ? `if not, \`cairn relate ${id} contradicts ${old} --dismiss\` (else recall keeps putting the new one first)` : "if not, leave both";
        lines.push(`  If the new one replaces it, \`cairn relate ${id} supersedes ${old}\` retires the old one (kept in history); if they disagree, \`cairn relate ${id} contradicts ${old}\`; ${otherwise}.`);
      }
      output.text(lines.join("\n"));
    }, { create: true });
  },
});

function parseTtl(value: string | undefined): number | null | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "never") return null;
  return parseDuration(value, { lifetime: true });
}
