/** @module `cairn edit <id>`: change a memory; the previous version stays in the audit log unless --erase-history. */
import { defineCommand } from "citty";
import { memoryToJson } from "../../domain/serialize.ts";
import { parseTime } from "../../domain/time.ts";
import { cairnError } from "../../errors.ts";
import { intFlag, jsonFlag, writeScopeFrom } from "../flags.ts";
import { readSettings } from "../../sync/settings.ts";
import { splitTagList } from "../../capture/normalize.ts";
import { output, progress } from "../output.ts";
import { pendingWalText } from "../format.ts";
import { withEngine } from "../session.ts";
import { redactedByEdit } from "../../capture/redact-record.ts";
import { startedProject } from "../../engine/projects.ts";
import { readStdinText } from "../stdin.ts";

export default defineCommand({
  meta: { name: "edit", description: "Change a memory's content or fields. `cairn get <id> --history` shows old versions." },
  args: {
    id: { type: "positional", required: true, description: "memory id: the short form shown by list and recall, the full id, or a unique prefix" },
    content: { type: "string", description: "new content (- reads stdin)", valueHint: "text" },
    type: { type: "string", description: "new type" },
    tags: { type: "string", description: "replace the tags (comma-separated; empty string clears)", valueHint: "a,b" },
    priority: { type: "string", description: "new priority 1-5", valueHint: "1-5" },
    "event-time": { type: "string", description: "new event time ('none' clears it)", valueHint: "time" },
    project: { type: "string", description: "move to another project (its name, a directory, or its git remote)", valueHint: "name|dir" },
    global: { type: "boolean", description: "move to the global scope" },
    "erase-history": { type: "boolean", description: "after any change, erase the text of every earlier version from the audit log (a secret edited out)" },
    ...jsonFlag,
  },
  async run({ args }) {
    let content = args.content;
    if (content === "-") content = await readStdinText();
    if (args.project !== undefined && args.global) throw cairnError("ONE_OF", ["--project and --global"]);
    const eventTime = args["event-time"];
    const patch = {
      content,
      type: args.type,
      tags: args.tags === undefined ? undefined : (splitTagList(args.tags) ?? []),
      priority: intFlag("priority", args.priority, undefined),
      eventTime: eventTime === undefined ? undefined : eventTime === "none" ? null : parseTime(eventTime, Date.now()),
      project: writeScopeFrom(args).project,
    };
    const changes = Object.values(patch).some((v) => v !== undefined) || args.global === true;
    await withEngine(({ engine, store, paths }) => {
      // A move to a project no memory is in starts it, as `remember --project` does: said, in case of a typo (QA).
      const known = typeof patch.project === "string" ? new Set(engine.store.projectKeys()) : null;
      const before = engine.get(args.id, { track: false });
      // --erase-history alone changes nothing else; with changes, it erases the version they replaced too.
      const updated = changes || !args["erase-history"] ? engine.update(args.id, patch) : before;
      const erased = args["erase-history"] ? engine.eraseHistory(updated.id) : null;
      const newProject = known !== null && startedProject(known, updated, engine.project);
      // A memory the team has keeps syncing wherever it is moved (sync/team.ts): moving it into a project this
      // device does not share does not make it private (QA sync: the new text and project went to every device).
      const team = patch.project !== undefined ? readSettings(paths.dataDir) : null;
      const stillShared = team !== null && store.sync.version(updated.id) !== null && !(updated.project === null ? team.shared.global : team.shared.projects.includes(updated.project));
      if (stillShared) {
        const sid = engine.shortIds([updated.id]).get(updated.id);
        progress(`Memory ${sid} is one team ${team!.team} has: moved into a scope this device does not share, it still syncs, and the team sees this change. \`cairn forget ${sid} --hard\` erases it for the whole team.`);
      }
      const redacted = redactedByEdit(before, updated);
      // An edit giving what the memory already holds writes nothing, and no version (QA: it said "Updated").
      const unchanged = changes && updated.updatedAt === before.updatedAt;
      if (args.json) {
        return output.json({
          ...memoryToJson(updated),
          ...(newProject ? { new_project: true } : {}),
          ...(redacted > 0 ? { redacted } : {}),
          ...(erased ? { history_erased: erased.versions, complete: !erased.pendingWal } : {}),
          ...(unchanged ? { unchanged: true } : {}),
        });
      }
      const id = engine.shortIds([updated.id]).get(updated.id);
      if (redacted > 0) output.text(`Took out ${redacted} secret${redacted === 1 ? "" : "s"}: the stored text holds [REDACTED] in ${redacted === 1 ? "its" : "their"} place.`);
      if (newProject) output.text(`No memory was in project "${updated.project}" before: it starts now. If that was a typo, \`cairn edit ${id} --project <name>\` moves it back (\`cairn stats\` lists the projects).`);
      if (unchanged && !erased) return output.text(`Nothing changed: memory ${id} already says that.`);
      if (!erased) return output.text(`Updated ${id}. The previous version is kept: cairn get ${id} --history`);
      if (!erased.changed) return output.text(`${changes && !unchanged ? `Updated ${id}; its` : `Nothing changed: memory ${id}'s`} history holds no earlier text to erase.`);
      output.text(
        `${changes ? `Updated ${id}; e` : "E"}rased the text of ${erased.versions} earlier version${erased.versions === 1 ? "" : "s"} from the audit log` +
          (erased.pendingWal ? `, not yet from disk: ${pendingWalText(erased.pendingWal.holders)}.` : " and the files on disk.") +
          " Session summaries that quoted them are left: `cairn forget --hard` rewrites those.",
      );
    });
  },
});
