/**
 * @module `cairn retention set|show|clear`: rules that bound how long memories of a type, project or tag are
 * kept; `cairn sweep` (and idle MCP servers) apply them (engine/sweep.ts).
 */
import { defineCommand } from "citty";
import { parseDuration } from "../../domain/time.ts";
import { describeSelector, type RetentionRule, ruleToJson } from "../../domain/retention.ts";
import { formatSpan } from "../../engine/sweep.ts";
import { cairnError } from "../../errors.ts";
import { actionArg, jsonFlag, onlyOptions, onlyWords } from "../flags.ts";
import { formatDate } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "retention", description: "Set, show or clear retention rules: how long memories of a type, project or tag are kept." },
  args: {
    action: { type: "positional", required: false, description: "show (default) | set | clear" },
    rule: { type: "positional", required: false, description: "clear: the rule id (as `cairn retention show` prints it)" },
    type: { type: "string", description: "set: the rule applies to memories of this type", valueHint: "type" },
    project: { type: "string", description: "set: the rule applies to this project (name, key or directory)", valueHint: "name|dir" },
    tag: { type: "string", description: "set: the rule applies to memories with this tag", valueHint: "tag" },
    keep: { type: "string", description: "set: keep them this long after creation (90d, 12w, 6mo, 1y)", valueHint: "duration" },
    grace: { type: "string", description: "set: purge this long after the sweep expired them (default 30d; 0d purges at once)", valueHint: "duration" },
    all: { type: "boolean", description: "clear: every rule" },
    ...jsonFlag,
  },
  async run({ args }) {
    const action = actionArg("retention", args.action, ["show", "set", "clear"]);
    onlyWords("retention", action, [args.rule], action === "clear" ? 1 : 0);
    onlyOptions("retention", action, args, { type: ["set"], project: ["set"], tag: ["set"], keep: ["set"], grace: ["set"], all: ["clear"] });
    if (action === "set" && !args.keep) throw cairnError("RULE_KEEP", [""]);
    if (action === "clear" && !args.rule === !args.all) throw cairnError("USAGE", ["`cairn retention clear` takes a rule id or --all (not both); `cairn retention show` lists the ids."]);
    const keepMs = action === "set" ? parseDuration(args.keep!, { lifetime: true }) : 0;
    // A keep of nothing ("0d") is refused naming what was typed, not the milliseconds it came to (QA: got "0").
    if (action === "set" && !(keepMs > 0)) throw cairnError("RULE_KEEP", [args.keep!]);
    const graceMs = args.grace === undefined ? undefined : parseDuration(args.grace, { lifetime: true });
    await withEngine(({ engine }) => {
      if (action === "set") {
        const { rule, replaced } = engine.setRetention({ type: args.type, project: args.project, tag: args.tag, keepMs, graceMs });
        if (args.json) return output.json({ rule: ruleToJson(rule), replaced: replaced ? ruleToJson(replaced) : null });
        return output.text(
          `${replaced ? "Changed" : "Set"} ${describeRule(rule)}.` +
            (replaced ? ` It was keep ${formatSpan(replaced.keepMs)}, grace ${formatSpan(replaced.graceMs)}.` : "") +
            "\n`cairn sweep --dry-run` shows what it would expire and purge now.",
        );
      }
      if (action === "clear") {
        const cleared = engine.clearRetention(args.all ? "all" : [String(args.rule)]);
        if (args.json) return output.json({ cleared: cleared.map(ruleToJson) });
        return output.text(cleared.length === 0 ? "There were no retention rules." : cleared.map((r) => `Cleared ${describeRule(r)}.`).join("\n"));
      }
      const rules = engine.retentionRules();
      if (args.json) return output.json({ rules: rules.map(ruleToJson) });
      if (rules.length === 0) return output.text("No retention rules: memories are kept until forgotten (types with a TTL stop being recalled once it passes).");
      output.text(rules.map((r) => `${describeRule(r)}  (set ${formatDate(r.createdAt)} by ${r.actor})`).join("\n"));
    });
  },
});

function describeRule(r: RetentionRule): string {
  return `${r.id}: ${describeSelector(r.kind, r.target)}, keep ${formatSpan(r.keepMs)}, grace ${formatSpan(r.graceMs)}`;
}
