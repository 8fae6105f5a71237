/**
 * @module `cairn logs`: the data directory's diagnostic logs — hooks.log (hook failures, and every hook with
 * CAIRN_HOOK_DEBUG=1) and reembed.log (the background embedding worker) — newest last. Lines of an encrypted
 * store are sealed on disk (log-file.ts); they are opened here with the store's key, asked for only when a
 * sealed line is present.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineCommand } from "citty";
import { type LineSeal, logSealOf, type LogLine, parseLogLine, SEALED_LINE } from "../../log-file.ts";
import { CairnError } from "../../errors.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { actionArg, intFlag, jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { CLI_UNLOCK, loadCliConfig, requireStore } from "../session.ts";

const LOGS = { hooks: "hooks.log", worker: "reembed.log" } as const;
type LogName = keyof typeof LOGS;

export default defineCommand({
  meta: { name: "logs", description: "Show the hook and embedding-worker logs (sealed lines opened with the store's key)." },
  args: {
    which: { type: "positional", required: false, description: "hooks | worker | all (default all)" },
    lines: { type: "string", description: "how many of the newest lines per log (default 50)" },
    ...jsonFlag,
  },
  async run({ args }) {
    const which = actionArg("logs", args.which ?? "all", ["all", "hooks", "worker"]);
    const lines = intFlag("lines", args.lines, 50);
    const { paths } = loadCliConfig();
    requireStore(paths);
    const names = (which === "all" ? ["hooks", "worker"] : [which]) as LogName[];
    const raw = Object.fromEntries(names.map((n) => [n, tail(join(paths.dataDir, LOGS[n]), lines)])) as Record<LogName, string[]>;
    const seal = Object.values(raw).some((ls) => ls.some((l) => l.includes(SEALED_LINE))) ? storeSeal(paths.dataDir, paths.dbFile) : null;
    const parsed = Object.fromEntries(names.map((n) => [n, raw[n].map((l) => parseLogLine(LOGS[n], l, seal))])) as Record<LogName, LogLine[]>;
    if (args.json) return output.json({ data_dir: paths.dataDir, logs: Object.fromEntries(names.map((n) => [n, { file: join(paths.dataDir, LOGS[n]), lines: parsed[n] }])) });
    output.text(names.map((n) => section(join(paths.dataDir, LOGS[n]), parsed[n])).join("\n\n"));
  },
});

/** The last `n` lines of a log and its rotated generation, oldest first; none when neither exists. */
function tail(file: string, n: number): string[] {
  const all: string[] = [];
  for (const path of [`${file}.1`, file]) {
    if (existsSync(path)) all.push(...readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== ""));
  }
  return all.slice(-n);
}

/**
 * The seal of the store's logs: opening the store (with the usual key sources) registers it. Without the key
 * the sealed lines are listed as unreadable, and stderr says why.
 */
function storeSeal(dataDir: string, dbFile: string): LineSeal | null {
  try {
    new SqliteStore(dbFile, { unlock: CLI_UNLOCK }).close();
  } catch (err) {
    if (!(err instanceof CairnError) || !err.code.startsWith("KEY_")) throw err;
    process.stderr.write(`cairn: sealed log lines stay sealed: ${err.message}\n`);
  }
  return logSealOf(dataDir);
}

function section(file: string, lines: LogLine[]): string {
  if (lines.length === 0) return `${file}: empty`;
  const sealed = lines.filter((l) => l.sealed).length;
  const head = `${file}: ${lines.length} line${lines.length === 1 ? "" : "s"}${sealed ? ` (${sealed} sealed on disk)` : ""}`;
  return [head, ...lines.map((l) => `  ${l.at}  ${l.text}`)].join("\n");
}
