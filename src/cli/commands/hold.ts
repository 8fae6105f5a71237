/**
 * @module `cairn hold add|list|release`: legal holds on a project, tag or memory (engine/holds.ts). Held
 * memories cannot be edited, forgotten, expired or purged; placing and releasing a hold is audit-logged.
 */
import { defineCommand } from "citty";
import { describeSelector, type Hold, holdToJson } from "../../domain/retention.ts";
import { cairnError } from "../../errors.ts";
import { actionArg, jsonFlag, onlyOptions, onlyWords } from "../flags.ts";
import { formatDate } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "hold", description: "Place, list or release legal holds: held memories cannot be edited, forgotten, expired or purged." },
  args: {
    action: { type: "positional", required: false, description: "list (default) | add | release" },
    hold: { type: "positional", required: false, description: "release: the hold id (as `cairn hold list` prints it)" },
    project: { type: "string", description: "add: hold every memory of this project (name, key or directory)", valueHint: "name|dir" },
    tag: { type: "string", description: "add: hold every memory with this tag", valueHint: "tag" },
    id: { type: "string", description: "add: hold this one memory", valueHint: "memory id" },
    reason: { type: "string", description: "add, release: why (required; kept in the audit log)", valueHint: "text" },
    all: { type: "boolean", description: "list: released holds too" },
    ...jsonFlag,
  },
  async run({ args }) {
    const action = actionArg("hold", args.action, ["list", "add", "release"]);
    onlyWords("hold", action, [args.hold], action === "release" ? 1 : 0);
    onlyOptions("hold", action, args, { project: ["add"], tag: ["add"], id: ["add"], reason: ["add", "release"], all: ["list"] });
    if (action === "release" && !args.hold) throw cairnError("USAGE", ["`cairn hold release` takes the hold id; `cairn hold list` shows them."]);
    await withEngine(({ engine }) => {
      if (action === "add") {
        const hold = engine.addHold({ project: args.project, tag: args.tag, id: args.id, reason: args.reason ?? "" });
        // A tag no memory carries yet is a hold for memories tagged later, or a typo: the count says which.
        const scope = hold.kind === "tag" ? { tags: [hold.target], allProjects: true } : { project: hold.target, includeGlobal: false };
        const covered = hold.kind === "id" ? 1 : engine.list({ ...scope, statuses: ["active", "superseded", "archived"], includeExpired: true, limit: 1 }).total;
        if (args.json) return output.json({ hold: holdToJson(hold), covered });
        return output.text(
          `Placed ${describeHold(hold)}: it covers ${covered} memor${covered === 1 ? "y" : "ies"} now` +
            (covered === 0 ? (hold.kind === "tag" ? " (none carries that tag yet: it will hold those given it later; check the spelling)" : " (the project holds none yet: it will hold those stored in it later)") : "") +
            `.\nCovered memories cannot be edited, forgotten, expired or purged until \`cairn hold release ${hold.id} --reason <why>\`.`,
        );
      }
      if (action === "release") {
        const hold = engine.releaseHold(String(args.hold), args.reason ?? "");
        if (args.json) return output.json({ hold: holdToJson(hold) });
        return output.text(`Released ${describeHold(hold)}.`);
      }
      const holds = engine.holds({ includeReleased: args.all === true });
      if (args.json) return output.json({ holds: holds.map(holdToJson) });
      if (holds.length === 0) return output.text(args.all ? "No legal holds were ever placed." : "No legal holds in force.");
      output.text(
        holds
          .map((h) =>
            `${describeHold(h)}  (placed ${formatDate(h.createdAt)} by ${h.actor}` +
            (h.releasedAt === null ? ")" : `; released ${formatDate(h.releasedAt)} by ${h.releasedBy}: "${h.releaseReason}")`),
          )
          .join("\n"),
      );
    });
  },
});

function describeHold(h: Hold): string {
  return `hold ${h.id} on ${describeSelector(h.kind, h.target)} ("${h.reason}")`;
}
