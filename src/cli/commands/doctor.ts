/** @module `cairn doctor`: checks that everything cairn depends on is sound, and says how to fix what is not. */
import { defineCommand } from "citty";
import { existsSync, statSync } from "node:fs";
import { resolvePaths } from "../../config/paths.ts";
import { Engine } from "../../engine/engine.ts";
import { cairnError, describeError } from "../../errors.ts";
import { loadConfig } from "../../config/load.ts";
import { SCHEMA_VERSION } from "../../store/migrations.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { VERSION } from "../../version.ts";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { storeMissing } from "../session.ts";
import { detectProjectKey } from "../../config/project.ts";
import { modelChecks } from "../doctor-models.ts";
import { clientChecks } from "../../setup/inspect.ts";
import { isServing } from "../../hooks/warm/client.ts";
import { socketPath, warmEnabled } from "../../hooks/warm/protocol.ts";

type Level = "ok" | "warn" | "fail" | "info";
interface Check {
  name: string;
  level: Level;
  detail: string;
}

export default defineCommand({
  meta: { name: "doctor", description: "Check database integrity, the search index, schema, permissions, config and assets." },
  args: { ...jsonFlag },
  async run({ args }) {
    // Client wiring is independent of the database, so it is reported even when the database cannot be opened.
    const checks = [...(await runChecks()), await hookDaemonCheck(), ...clientChecks()];
    const failed = checks.some((c) => c.level === "fail");
    if (args.json) output.json({ ok: !failed, version: VERSION, checks });
    else output.text(checks.map((c) => `${c.level.toUpperCase().padEnd(4)}  ${c.name.padEnd(12)}  ${c.detail}`).join("\n"));
    if (failed) process.exitCode = 1;
  },
});

async function runChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const paths = resolvePaths();
  checks.push({ name: "data dir", level: "info", detail: `${paths.dataDir} (from ${paths.source})` });
  try {
    const config = loadConfig(paths.configFile);
    const fromFile = Object.values(config.sources).includes("file");
    checks.push({ name: "config", level: "ok", detail: fromFile ? paths.configFile : "defaults (no config file)" });
  } catch (err) {
    checks.push({ name: "config", level: "fail", detail: describeError(err) });
  }
  if (storeMissing(paths)) {
    checks.push({ name: "database", level: "fail", detail: cairnError("NO_STORE", [paths.dataDir, "CAIRN_HOME"]).message });
    return checks;
  }
  let engine: Engine;
  try {
    engine = new Engine({ store: new SqliteStore(paths.dbFile), project: detectProjectKey(), actor: "doctor" });
  } catch (err) {
    checks.push({ name: "database", level: "fail", detail: describeError(err) });
    return checks;
  }
  try {
    checks.push(permissionCheck("permissions", paths.dataDir, 0o700), permissionCheck("db file", paths.dbFile, 0o600));
    const report = engine.check();
    checks.push({
      name: "schema",
      level: report.schemaVersion === SCHEMA_VERSION ? "ok" : "fail",
      detail: `version ${report.schemaVersion} (this cairn: ${SCHEMA_VERSION})`,
    });
    checks.push({
      name: "integrity",
      level: report.integrity.length === 0 ? "ok" : "fail",
      detail: report.integrity.length === 0 ? "PRAGMA integrity_check: ok" : `${report.integrity.slice(0, 3).join("; ")} — restore from a backup or \`cairn export\` what can be read`,
    });
    const ftsOk = report.ftsErrors.length === 0 && report.ftsMissing === 0 && report.ftsOrphans === 0;
    checks.push({
      name: "fts index",
      level: ftsOk ? "ok" : "fail",
      detail: ftsOk
        ? "full-text index matches the memories table"
        : `${report.ftsMissing} memories missing from the index, ${report.ftsOrphans} orphan entries${report.ftsErrors.length ? `; ${report.ftsErrors[0]}` : ""}`,
    });
    checks.push({
      name: "tags",
      level: report.tagMismatches === 0 ? "ok" : "fail",
      detail: report.tagMismatches === 0 ? "tag index matches" : `${report.tagMismatches} memories with a stale tag index`,
    });
    const s = engine.stats();
    checks.push({ name: "memories", level: "info", detail: `${s.total} stored, ${s.expired} expired, ${(s.dbBytes / 1048576).toFixed(2)} MiB` });
    try {
      checks.push(...(await modelChecks(engine.store, paths, loadConfig(paths.configFile))));
    } catch (err) {
      checks.push({ name: "model", level: "fail", detail: `${describeError(err)} Recall runs keyword-only until then.` });
    }
  } finally {
    engine.close();
  }
  return checks;
}

/** The warm hook daemon is optional (hooks run cold without it), so its absence is information, not a problem. */
async function hookDaemonCheck(): Promise<Check> {
  const { dataDir } = resolvePaths();
  if (!warmEnabled()) return { name: "hook daemon", level: "info", detail: "off (CAIRN_HOOK_DAEMON); every hook runs in its own process" };
  const sock = socketPath(dataDir);
  if (!sock) return { name: "hook daemon", level: "info", detail: "not available here (no Unix socket path); hooks run in their own process" };
  const up = await isServing(sock);
  return { name: "hook daemon", level: "info", detail: up ? `running on ${sock}` : "not running; the next hook starts it" };
}

function permissionCheck(name: string, path: string, wanted: number): Check {
  if (!existsSync(path)) return { name, level: "fail", detail: `${path} is missing` };
  const mode = statSync(path).mode & 0o777;
  if (process.platform === "win32" || (mode & 0o077) === 0) return { name, level: "ok", detail: `${path} ${mode.toString(8)}` };
  return { name, level: "warn", detail: `${path} is ${mode.toString(8)}, readable by others; run: chmod ${wanted.toString(8)} "${path}"` };
}
