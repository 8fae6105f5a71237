/**
 * @module `cairn remind`: set a reminder (`<text> --at <time> | --in <delay>`), list pending ones (`--list`),
 * acknowledge one (`--done <id>`) or withdraw it (`--cancel <id>`). Due reminders reach the session briefings.
 */
import { defineCommand } from "citty";
import type { Memory } from "../../domain/memory.ts";
import { dueAt, fromNow, reminderState, reminderToJson } from "../../domain/reminder.ts";
import type { Engine } from "../../engine/engine.ts";
import { cairnError } from "../../errors.ts";
import { splitTagList } from "../../capture/normalize.ts";
import { jsonFlag, positionalText, scopeFlags, scopeFrom, writeScopeFrom } from "../flags.ts";
import { formatDate, projectLabel } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

type Args = {
  _: string[];
  at?: string;
  in?: string;
  list?: boolean;
  done?: string;
  cancel?: string;
  tags?: string;
  project?: string;
  global?: boolean;
  "all-projects"?: boolean;
  json?: boolean;
};

type Mode = "create" | "list" | "done" | "cancel";

export default defineCommand({
  meta: {
    name: "remind",
    description:
      "Set a reminder that shows in session briefings once due, until acknowledged: cairn remind <text> --at <time> | --in <delay>. " +
      "Also --list, --done <id>, --cancel <id>.",
  },
  args: {
    text: { type: "positional", required: false, description: "what to be reminded of" },
    at: { type: "string", description: "when: ISO date or time (2026-05-01, 2026-05-01T09:00:00Z; without a zone: UTC) or now", valueHint: "time" },
    in: { type: "string", description: "when, as a delay from now: 30m, 2h, 3d, 1w", valueHint: "delay" },
    list: { type: "boolean", description: "list pending reminders, due ones first (current project + global)" },
    done: { type: "string", description: "acknowledge a reminder: it stops showing in briefings", valueHint: "id" },
    cancel: { type: "string", description: "withdraw a reminder, due or not", valueHint: "id" },
    tags: { type: "string", description: "comma-separated tags", valueHint: "a,b" },
    ...scopeFlags,
    ...jsonFlag,
  },
  async run({ args }) {
    const a = args as Args;
    const mode = modeOf(a);
    await withEngine(({ engine }) => {
      if (mode === "create") return create(engine, a);
      if (mode === "list") return list(engine, a);
      return close(engine, mode === "done" ? a.done! : a.cancel!, mode, a.json === true);
    }, { create: mode === "create" });
  },
});

/** Exactly one thing to do, and only the flags that go with it: a stray flag is a mistake worth reporting. */
function modeOf(a: Args): Mode {
  const text = positionalText(a).trim();
  const modes: Array<[Mode, string, boolean]> = [
    ["create", "a reminder text", text !== ""],
    ["list", "--list", a.list === true],
    ["done", "--done", a.done !== undefined],
    ["cancel", "--cancel", a.cancel !== undefined],
  ];
  const chosen = modes.filter(([, , on]) => on);
  if (chosen.length === 0) {
    throw cairnError("USAGE", [
      'Say what to be reminded of and when, e.g. `cairn remind "check the canary" --in 2h`; or use --list, --done <id> or --cancel <id>.',
    ]);
  }
  if (chosen.length > 1) throw cairnError("ONE_OF", [chosen.map(([, name]) => name).join(" and ")]);
  const mode = chosen[0]![0];
  const stray = [
    ["--at", a.at !== undefined, mode === "create"],
    ["--in", a.in !== undefined, mode === "create"],
    ["--tags", a.tags !== undefined, mode === "create"],
    ["--project", a.project !== undefined, mode === "create" || mode === "list"],
    ["--global", a.global === true, mode === "create" || mode === "list"],
    ["--all-projects", a["all-projects"] === true, mode === "list"],
  ] as const;
  const wrong = stray.filter(([, given, fits]) => given && !fits).map(([flag]) => flag);
  if (wrong.length > 0) {
    const what = mode === "create" ? "a new reminder" : mode === "list" ? "--list" : `--${mode}`;
    throw cairnError("USAGE", [`${wrong.join(" and ")} ${wrong.length > 1 ? "do" : "does"} not go with ${what}; nothing was changed.`]);
  }
  if ((mode === "done" || mode === "cancel") && (mode === "done" ? a.done : a.cancel)!.trim() === "") {
    throw cairnError("USAGE", [`Give --${mode} the id of a reminder, as \`cairn remind --list\` shows it.`]);
  }
  return mode;
}

function create(engine: Engine, a: Args): void {
  const scope = writeScopeFrom(a);
  const { id, status, reminder } = engine.remind({
    content: positionalText(a),
    at: a.at,
    in: a.in,
    tags: splitTagList(a.tags),
    project: scope.project,
    source: "cli",
  });
  const now = engine.now();
  // The reminder as --list and MCP give it (due, state …), with what this call did (QA: README's fields were missing).
  if (a.json) return output.json({ ...reminderToJson(reminder, now), status });
  const short = engine.shortIds([id]).get(id)!;
  const when = `${formatDate(dueAt(reminder))}, ${fromNow(dueAt(reminder), now)} (${projectLabel(reminder.project)})`;
  output.text(
    status === "created"
      ? `Reminder ${short} set for ${when}. Once due it shows in session briefings until \`cairn remind --done ${short}\`.`
      : `Already set as ${short} for ${when}; nothing new was stored.`,
  );
}

function list(engine: Engine, a: Args): void {
  const r = engine.reminders(scopeFrom(a));
  const now = engine.now();
  if (a.json) {
    return output.json({
      due: r.due.map((m) => reminderToJson(m, now)),
      upcoming: r.upcoming.map((m) => reminderToJson(m, now)),
      due_total: r.dueTotal,
      upcoming_total: r.upcomingTotal,
    });
  }
  if (r.dueTotal + r.upcomingTotal === 0) return output.text("No pending reminders.");
  const short = engine.shortIds([...r.due, ...r.upcoming].map((m) => m.id));
  const section = (title: string, items: Memory[], total: number) => {
    if (items.length === 0) return [];
    const count = total > items.length ? `${total}, ${items.length} shown` : `${total}`;
    return [`${title} (${count}):`, ...items.map((m) => line(m, short.get(m.id)!, now))];
  };
  const parts = [...section("Due", r.due, r.dueTotal), ...section("Upcoming", r.upcoming, r.upcomingTotal)];
  if (r.dueTotal > 0) parts.push("", "Acknowledge a due reminder with: cairn remind --done <id>");
  output.text(parts.join("\n"));
}

function line(m: Memory, short: string, now: number): string {
  const tags = m.tags.length > 0 ? `  ${m.tags.map((t) => `#${t}`).join(" ")}` : "";
  const head = `${short}  due ${formatDate(dueAt(m))} (${fromNow(dueAt(m), now)})  ${projectLabel(m.project)}${tags}`;
  return `${head}\n${m.content.split("\n").map((l) => `  ${l}`).join("\n")}`;
}

function close(engine: Engine, id: string, how: "done" | "cancel", json: boolean): void {
  const { reminder, changed } = engine.closeReminder(id, how === "done" ? "done" : "cancelled");
  const state = reminderState(reminder);
  if (json) return output.json({ ...reminderToJson(reminder, engine.now()), changed });
  const short = engine.shortIds([reminder.id]).get(reminder.id)!;
  if (!changed) return output.text(`Reminder ${short} was already ${state === "done" ? "done" : "cancelled"}; nothing was changed.`);
  const verb = how === "done" ? "Done" : "Cancelled";
  output.text(`${verb}: reminder ${short} no longer shows in briefings. Undo with: cairn restore ${short}`);
}
