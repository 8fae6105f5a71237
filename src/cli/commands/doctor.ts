/** @module `cairn doctor`: checks that everything cairn depends on is sound, and says how to fix what is not. */
import { defineCommand } from "citty";
import { existsSync, rmSync, statSync } from "node:fs";
import { homeMissing, resolvePaths } from "../../config/paths.ts";
import { Engine } from "../../engine/engine.ts";
import { CairnError, cairnError, describeError } from "../../errors.ts";
import { loadConfig } from "../../config/load.ts";
import { SCHEMA_VERSION } from "../../store/migrations.ts";
import { schemaVersionOnDisk } from "../../store/file-check.ts";
import { repairDatabase } from "../../store/repair.ts";
import { clearDamageMark, damageMark, markDamaged } from "../../store/damage-mark.ts";
import { diagnose } from "../../store/salvage.ts";
import { damagedCopies } from "../../store/store-copies.ts";
import { deadLeftovers, removeDeadLeftovers } from "../../store/leftovers.ts";
import { diskFull, unwritable } from "../../store/write-access.ts";
import { auditKeyFile } from "../../store/audit-key.ts";
import { leftKeyFile } from "../../keys/key-file.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { startEmbedWorker } from "../../embed-worker.ts";
import { VERSION } from "../../version.ts";
import { jsonFlag } from "../flags.ts";
import { output, progress } from "../output.ts";
import { CLI_UNLOCK, refuseGoneDatabase } from "../session.ts";
import { detectProjectKey } from "../../config/project.ts";
import { modelChecks } from "../doctor-models.ts";
import { keywordIndexCheck, searchThreadCheck } from "../doctor-search-thread.ts";
import { freeSpaceCheck } from "../doctor-free-space.ts";
import { removeStaleBackups, staleBackups } from "../../store/recode.ts";
import { clientChecks } from "../../setup/inspect.ts";
import { isServing } from "../../hooks/warm/client.ts";
import { socketPath, warmEnabled } from "../../hooks/warm/protocol.ts";
import { pendingWalText } from "../format.ts";

type Level = "ok" | "warn" | "fail" | "info";
interface Check {
  name: string;
  level: Level;
  detail: string;
}

export default defineCommand({
  meta: { name: "doctor", description: "Check database integrity, the search index, schema, permissions, config and assets." },
  args: {
    repair: {
      type: "boolean",
      description: "if the database file is damaged or empty: copy every readable memory into a new one, keeping the damaged file beside it; rebuild a missing, stale or damaged vector index file and keyword index file; give free space inside the database file back to the disk when it is a tenth of it or more",
    },
    ...jsonFlag,
  },
  async run({ args }) {
    const repaired = args.repair ? repairCheck() : null;
    const repair = repaired ? [repaired.check] : [];
    // A repair that could not run (a read-only disk, nothing readable) repairs nothing else either.
    const repairing = repaired !== null && repaired.check.level !== "fail";
    // After damage, a whole copy of the store beside it may hold what the repair could not read: it stays.
    const checks = [...repair, ...(await runChecks(repairing, repaired?.damaged ?? false)), await hookDaemonCheck(), ...clientChecks()];
    const failed = checks.some((c) => c.level === "fail");
    if (args.json) output.json({ ok: !failed, version: VERSION, checks });
    else output.text(checks.map((c) => `${c.level.toUpperCase().padEnd(4)}  ${c.name.padEnd(12)}  ${c.detail}`).join("\n"));
    if (failed) process.exitCode = 1;
  },
});

const LOCKED = new Set(["KEY_MISSING", "KEY_WRONG", "KEY_BAD", "KEY_FILE_UNSAFE", "TAMPERED"]);

/** Copies an interrupted encrypt, decrypt or key rotation left beside the database (store/recode.ts). */
function backupCheck(dbFile: string, store: SqliteStore, repair: boolean, damaged: boolean): Check {
  const name = "re-encoding copies";
  const left = staleBackups(dbFile);
  if (left.length === 0) return { name, level: "ok", detail: "none" };
  // A database that was damaged may have lost memories such a copy still holds: it stays, and says so.
  if (damaged) return { name, level: "warn", detail: `${left.join(", ")} kept: a whole copy of the store from an interrupted encrypt, decrypt or key rotation, which may hold memories the damaged database lost (copy it over cairn.db to go back to it); delete it once no longer needed` };
  if (repair) return { name, level: "ok", detail: `removed ${removeStaleBackups(dbFile).length} left by an interrupted encrypt, decrypt or key rotation` };
  const what = store.encryption() ? "they may hold the store in its earlier encoding (in the clear, if it was the plain store)" : "they are copies of the store";
  return { name, level: "warn", detail: `${left.join(", ")} beside the database, left by an interrupted encrypt, decrypt or key rotation; ${what} and are not needed: \`cairn doctor --repair\` removes them` };
}

/** The old key file a key rotation killed after the switch left (keys/key-file.ts leftKeyFile); none when there is none. */
function leftKeyCheck(store: SqliteStore, repair: boolean): Check[] {
  const file = leftKeyFile(store.encryption());
  if (file === null) return [];
  const name = "old key file";
  if (repair) {
    rmSync(file, { force: true });
    return [{ name, level: "ok", detail: `removed ${file}, the key from before the store's last key rotation (interrupted before it removed it)` }];
  }
  return [{ name, level: "warn", detail: `${file} is the key from before the store's last key rotation, which was interrupted before removing it; it opens copies of the store made before the rotation. \`cairn doctor --repair\` removes it (keep a copy first if you need those copies)` }];
}

/** Holds and rules changed outside cairn, written back from the audit log (store/policy-audit.ts); none when they match. */
function policyRepair(store: SqliteStore): Check[] {
  const problem = store.policy.auditProblem();
  if (problem === null) return [];
  // Only a whole log says which holds are in force: with entries lost (a damaged file salvaged), holds it no
  // longer shows would be deleted.
  const chain = store.verifyAudit();
  if (!chain.ok && chain.memory === undefined && chain.policy === undefined) {
    return [{ name: "holds and rules", level: "fail", detail: `not written back from the audit log, whose chain is broken at entry ${chain.brokenAt}: ${problem.problem}. Restore the database from a backup.` }];
  }
  const rows = store.policy.restoreFromAudit();
  return [{ name: "holds and rules", level: "ok", detail: `written back from the audit log (${rows} ${rows === 1 ? "row" : "rows"}): ${problem.problem}` }];
}

/** Temporary files killed or failed processes left beside the database (store/leftovers.ts); none when there are none. */
function leftoversCheck(dbFile: string, repair: boolean): Check[] {
  const left = repair ? removeDeadLeftovers(dbFile) : deadLeftovers(dbFile);
  if (left.length === 0) return [];
  if (repair) return [{ name: "leftovers", level: "ok", detail: `removed ${left.join(", ")}, left by cairn processes that are gone` }];
  return [{ name: "leftovers", level: "warn", detail: `${left.join(", ")} beside the database, left by cairn processes that were killed or failed (a repair's unfinished copy holds memories); \`cairn doctor --repair\` removes them` }];
}

/** Damaged files an earlier repair set aside: the store as it was then, erased memories included. */
function damagedCopiesCheck(dbFile: string): Check[] {
  const kept = damagedCopies(dbFile);
  if (kept.length === 0) return [];
  return [{ name: "damaged copies", level: "info", detail: `${kept.join(", ")} kept by \`doctor --repair\`: the store as it was then (memories erased since included); delete them once no longer needed` }];
}

function encryptionCheck(store: SqliteStore): Check {
  const record = store.encryption();
  if (!record) return { name: "encryption", level: "info", detail: "not encrypted (plain store; `cairn encrypt` encrypts it)" };
  const kdf = record.kdf ? `, passphrase via scrypt N=2^${record.kdf.logN}` : "";
  return { name: "encryption", level: "ok", detail: `encrypted (${record.cipher}${kdf}), unlocked with ${store.keySource}; store id ${record.storeId}` };
}

async function runChecks(repair: boolean, wasDamaged = false): Promise<Check[]> {
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
  if (homeMissing(paths)) {
    checks.push({ name: "database", level: "fail", detail: cairnError("NO_STORE", [paths.dataDir, "CAIRN_HOME"]).message });
    return checks;
  }
  try {
    refuseGoneDatabase(paths);
  } catch (err) {
    checks.push({ name: "database", level: "fail", detail: describeError(err) });
    return checks;
  }
  const marked = markCheck(paths.dbFile);
  if (marked) {
    checks.push(marked);
    if (marked.level === "fail") return checks;
  }
  let engine: Engine;
  let store: SqliteStore;
  // Before this cairn opens (and upgrades) it: doctor says when it upgraded the store (QA: it did so silently).
  const versionBefore = schemaVersionOnDisk(paths.dbFile);
  try {
    store = new SqliteStore(paths.dbFile, { unlock: CLI_UNLOCK });
    engine = new Engine({ store, project: detectProjectKey(), actor: "doctor" });
  } catch (err) {
    const locked = err instanceof CairnError && LOCKED.has(err.code);
    if (locked) checks.push({ name: "encryption", level: "fail", detail: "encrypted, locked: no usable key (see below)" });
    checks.push({ name: "database", level: "fail", detail: describeError(err) });
    return checks;
  }
  try {
    const step = stepper(paths.dbFile);
    checks.push(encryptionCheck(store), ...leftKeyCheck(store, repair), backupCheck(paths.dbFile, store, repair, wasDamaged), ...damagedCopiesCheck(paths.dbFile), ...leftoversCheck(paths.dbFile, repair));
    if (repair) checks.push(...policyRepair(store));
    checks.push(permissionCheck("permissions", paths.dataDir, 0o700), permissionCheck("db file", paths.dbFile, 0o600));
    checks.push(...storeChecks(engine, step, versionBefore), ...auditKeyCheck(store), erasureCheck(engine));
    step("the keyword search thread and index file");
    checks.push(await searchThreadCheck(store), await keywordIndexCheck(store, repair));
    try {
      const s = engine.stats();
      checks.push({ name: "memories", level: "info", detail: `${s.total} stored, ${s.expired} expired, ${(s.dbBytes / 1048576).toFixed(2)} MiB` });
    } catch (err) {
      checks.push({ name: "memories", level: "fail", detail: `cannot be counted: ${describeError(err)}. ${RECOVERY}` });
    }
    checks.push(freeSpaceCheck(store, repair));
    try {
      step("the model, the vectors and the vector index file");
      checks.push(...(await modelChecks(engine.store, paths, loadConfig(paths.configFile), repair)));
    } catch (err) {
      checks.push({ name: "model", level: "fail", detail: `${describeError(err)} Recall runs keyword-only until then.` });
    }
  } finally {
    engine.close();
  }
  return checks;
}

/**
 * A file some process found damaged is refused by every command (store/damage-mark.ts): checked again here, the
 * mark stays (fail) or, when the file is sound after all, is removed. Null when there is no mark.
 */
function markCheck(dbFile: string): Check | null {
  const mark = damageMark(dbFile)?.mark;
  if (!mark) return null;
  const problem = diagnose(dbFile, existsSync(`${dbFile}-wal`));
  if (problem !== null) return { name: "database", level: "fail", detail: `damaged: ${problem}; every command refuses it. ${RECOVERY}` };
  clearDamageMark(dbFile);
  return { name: "damage mark", level: "ok", detail: `removed: found damaged ${new Date(mark.at).toISOString()} (${mark.problem}), the integrity check passes now` };
}

/** A database from this size on takes doctor seconds (~20 s at a million memories): each slow step says so on stderr. */
const LARGE_DB_BYTES = 64 * 1024 * 1024;

function stepper(dbFile: string): (what: string) => void {
  let large = false;
  try {
    large = statSync(dbFile).size >= LARGE_DB_BYTES;
  } catch {
    // a missing file is reported by the checks themselves
  }
  return large ? (what) => progress(`doctor: checking ${what}…`) : () => undefined;
}

/** Runs the repair first, so the checks that follow describe the new database. */
function repairCheck(): { check: Check; damaged: boolean } {
  const { dataDir, dbFile } = resolvePaths();
  const outcome = repairDatabase(dbFile, new Date(), CLI_UNLOCK);
  if (!outcome.repaired) return { check: { name: "repair", level: outcome.failed ? "fail" : "info", detail: outcome.detail }, damaged: false };
  const { memories, links, auditEntries, unreadable, lost: lostMemories, lostIds, oldLog } = outcome.salvaged;
  const lost = unreadable === 0 ? "nothing unreadable was met" : `${unreadable} unreadable rows or damaged stretches were left behind`;
  // The audit log knows which memories were there: those it shows that were not copied are lost (QA: a repair
  // that lost memories reported OK with one "unreadable stretch").
  // Named, as far as the log names them: `cairn audit log --memory <id>` shows what each held (QA: only a count).
  const named = lostIds.length === 0 ? "" : ` They include ${lostIds.slice(0, 10).join(", ")}${lostIds.length > 10 ? ` and ${lostIds.length - 10} more` : ""} (\`cairn audit log --memory <id>\` shows what each held).`;
  const gone = lostMemories > 0 ? ` ${lostMemories} ${lostMemories === 1 ? "memory" : "memories"} could not be read and ${lostMemories === 1 ? "is" : "are"} lost (at least, by the audit log and the store's own count; restore them from a backup, or from the damaged file by an expert).${named}` : "";
  // The copy's chain is new: what the old one showed is said here and written into it (salvage-audit.ts).
  const log =
    (oldLog.missing > 0
      ? ` ${oldLog.missing} ${oldLog.missing === 1 ? "entry" : "entries"} of the old audit log ${oldLog.missing === 1 ? "is" : "are"} missing (at ${oldLog.missingAt.join(", ")}): lost with the damage, or removed before it.`
      : "") +
    (oldLog.brokenAt !== null ? ` The old audit log's chain was already broken at its entry ${oldLog.brokenAt} (${oldLog.problem}): the new log records it, and \`cairn audit verify\` keeps saying so.` : "");
  // The copy has no vectors yet: they are recomputed from the text, off this command's path.
  if (memories > 0) startEmbedWorker(dataDir);
  const check: Check = {
    name: "repair",
    level: oldLog.brokenAt !== null ? "fail" : lostMemories > 0 || oldLog.missing > 0 ? "warn" : "ok",
    detail:
      `the database was damaged (${outcome.problem}); copied ${memories} memories, ${links} links and ${auditEntries} audit entries ` +
      `into a new database (${lost}).${gone}${log} The damaged file is kept at ${outcome.damagedFile}; vectors are being recomputed.`,
  };
  return { check, damaged: true };
}

/** What to do about a damaged database file. */
const RECOVERY = "Restore the file from a backup, or run `cairn doctor --repair` to copy every readable memory into a new database (the damaged file is kept beside it).";

/**
 * The integrity check's verdict. A check that could not run because the disk is full or read-only says so:
 * the database may well be sound, and "restore a backup" would replace it for nothing. Damage is marked, so
 * every command refuses the file from now on (store/damage-mark.ts).
 */
function integrityCheck(problems: readonly string[], dbFile: string): Check {
  if (problems.length === 0) return { name: "integrity", level: "ok", detail: "PRAGMA integrity_check: ok" };
  const why = unwritable(dbFile) ?? (diskFull(dbFile) ? `the disk holding ${dbFile} is full` : null);
  if (why) return { name: "integrity", level: "fail", detail: `could not be checked (${firstProblems(problems)}): ${why}. Free space or make it writable, then run \`cairn doctor\` again; this is not damage` };
  markDamaged(dbFile, `${firstProblems(problems)}.`);
  return { name: "integrity", level: "fail", detail: `${firstProblems(problems)}. ${RECOVERY}` };
}

/** The first three lines integrity_check reported (it may report hundreds), and how many more there are. */
function firstProblems(rows: readonly string[]): string {
  const lines = rows.flatMap((r) => r.split("\n")).filter((l) => l.trim() !== "" && !l.startsWith("***"));
  return lines.slice(0, 3).join("; ") + (lines.length > 3 ? ` (and ${lines.length - 3} more)` : "");
}

/** Schema, integrity, full-text index and tag index; each reports what it could not read instead of throwing. */
function storeChecks(engine: Engine, step: (what: string) => void, versionBefore: number | null): Check[] {
  step("the database file: integrity, full-text index, tags");
  const report = engine.check();
  step("the audit chain");
  const audit = auditCheck(engine);
  const unread = report.ftsErrors[0] ?? "unreadable";
  const fts = report.ftsErrors.length === 0 && report.ftsMissing === 0 && report.ftsOrphans === 0;
  return [
    {
      name: "schema",
      level: report.schemaVersion === SCHEMA_VERSION ? "ok" : "fail",
      detail:
        report.schemaVersion < 0
          ? `cannot be read: ${unread}`
          : `version ${report.schemaVersion} (this cairn: ${SCHEMA_VERSION})${versionBefore !== null && versionBefore > 0 && versionBefore < report.schemaVersion ? `; upgraded just now from version ${versionBefore}, as any command of this cairn does: an older cairn can no longer open it` : ""}`,
    },
    integrityCheck(report.integrity, engine.store.location),
    {
      name: "fts index",
      level: fts ? (report.ftsUnchecked ? "warn" : "ok") : "fail",
      detail: fts
        ? report.ftsUnchecked
          ? `its rows match the memories table; its own check did not run, another process holds the database's lock (${report.ftsUnchecked}): run doctor again when it is done`
          : "full-text index matches the memories table"
        : report.ftsMissing < 0 || report.ftsOrphans < 0
          ? `cannot be read: ${unread}. ${RECOVERY}`
          : `${report.ftsMissing} memories missing from the index, ${report.ftsOrphans} orphan entries${report.ftsErrors.length ? `; ${report.ftsErrors[0]}` : ""}`,
    },
    {
      name: "tags",
      level: report.tagMismatches === 0 ? "ok" : "fail",
      detail: report.tagMismatches === 0 ? "tag index matches" : report.tagMismatches < 0 ? `cannot be read: ${unread}` : `${report.tagMismatches} memories with a stale tag index`,
    },
    audit,
  ];
}

/** A deleted or replaced audit.key: receipts and hashes from before can no longer be checked with it. */
function auditKeyCheck(store: SqliteStore): Check[] {
  const state = store.auditKeyState();
  if (state === "ok" || state === "unknown") return [];
  if (state === "invalid") return [{ name: "audit key", level: "fail", detail: cairnError("AUDIT_KEY_BAD", [auditKeyFile(store.location)!]).message }];
  const what = state === "missing" ? "is missing (the next write makes another)" : "is not the key the log's hashes were made with (replaced, or deleted and made anew)";
  return [{ name: "audit key", level: "warn", detail: `${auditKeyFile(store.location)} ${what}: erase receipts and the log's content hashes from before cannot be checked against text; restore the old audit.key from a backup if you have one` }];
}

/** The audit log's hash chain (store/audit-chain.ts), and the memories against it (audit-memories.ts). */
function auditCheck(engine: Engine): Check {
  try {
    const r = engine.verifyAudit();
    return r.ok
      ? { name: "audit chain", level: "ok", detail: `${r.checked} entries chained; head ${r.head.seq}:${r.head.hash.slice(0, 16)}…` }
      : r.policy
        ? { name: "audit chain", level: "fail", detail: `the log verifies, but ${r.problem}; nothing is purged until they match: \`cairn doctor --repair\` writes the holds and rules back from the log` }
        : r.memory
        ? { name: "audit chain", level: "fail", detail: `the log verifies, but ${r.problem}; \`cairn audit log --memory ${r.memory}\` shows what the log records` }
        : { name: "audit chain", level: "fail", detail: `broken at entry ${r.brokenAt}: ${r.problem}; \`cairn audit log\` shows the entries around it` };
  } catch (err) {
    return { name: "audit chain", level: "fail", detail: `cannot be read: ${describeError(err)}. ${RECOVERY}` };
  }
}

/** A purge another process's read kept in the WAL (store/pending-erasure.ts): finished here when it can be. */
function erasureCheck(engine: Engine): Check {
  const name = "erasures";
  try {
    const pending = engine.pendingErasure();
    if (!pending) return { name, level: "ok", detail: "no erasure pending" };
    const what = `${pending.purges} purge${pending.purges === 1 ? "" : "s"}${pending.since ? ` since ${new Date(pending.since).toISOString()}` : ""}`;
    const r = engine.finishErasure();
    if (r.complete) return { name, level: "ok", detail: `finished the pending erasure of ${what}: no old copies are left on disk` };
    return { name, level: "warn", detail: `${what} pending: ${pendingWalText(r.holders)}` };
  } catch (err) {
    return { name, level: "fail", detail: `cannot be checked: ${describeError(err)}` };
  }
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
