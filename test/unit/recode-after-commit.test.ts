/**
 * @module A re-encoding whose commit went through cannot fail afterwards: the VACUUM that rewrites the file
 * without the old encoding's pages failing (a full disk) is reported, not thrown. It was thrown, and `cairn
 * encrypt` / `key rotate` then deleted the new key of a store already under it (QA: locked out for good). The
 * record of the pending erasure failing too (the disk is full) is no failure either (QA: `encrypt` said another
 * process had encrypted the store and nothing was written, of a store it had just encrypted); and whatever does
 * fail after the commit keeps the new key and is not said as KEY_CHANGED.
 */
import type { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { recode } from "../../src/store/recode.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions } from "../helpers/engine.ts";
import { Engine } from "../../src/engine/engine.ts";
import { recodeUnderNewKey } from "../../src/cli/key-setup.ts";

/** A plain store in `dir` holding one memory; its file. */
function plainStoreIn(dir: string): string {
  const file = join(dir, "cairn.db");
  const plain = new SqliteStore(file);
  new Engine({ store: plain, project: "/work/app", actor: "test" }).remember({ content: "the ledger service listens on port 8080" });
  plain.close();
  return file;
}

/** `db` with its VACUUM failing as on a full disk. */
function vacuumFails(db: Database): Database {
  return new Proxy(db, {
    get(target, name) {
      if (name === "run") {
        return (sql: string, ...rest: unknown[]) => {
          if (sql.trim().toUpperCase() === "VACUUM") throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
          return (target.run as (...a: unknown[]) => unknown).call(target, sql, ...rest);
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

test("the VACUUM failing after the commit is reported; the store is under the new key and the backup is gone", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-recode-"));
  try {
    const file = plainStoreIn(dir);
    const next = encryptedOptions(undefined, file);
    const store = new SqliteStore(file);
    const report = recode(vacuumFails(store.database), PLAIN_CODEC, next.codec, next.newRecord);
    store.close();
    expect(report.rewriteFailed).toBe("database or disk is full");
    expect(report.scrub.complete).toBe(false);
    expect(report.memories).toBe(1);
    expect(readdirSync(dir).filter((n) => n.includes(".backup-"))).toEqual([]);
    const reopened = new SqliteStore(file, next);
    try {
      expect(reopened.encryption()?.keyCheck).toBe(next.newRecord.keyCheck);
      expect(new Engine({ store: reopened, project: "/work/app", actor: "test" }).list({ limit: 10 }).memories.map((m) => m.content)).toEqual(["the ledger service listens on port 8080"]);
      // The emptying of the WAL is left pending, for the next write or doctor to finish.
      expect(reopened.pendingErasure()).not.toBeNull();
    } finally {
      reopened.close();
    }
    expect(existsSync(file)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the record of the pending erasure failing as well is reported too, and leaves no temporary file", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-recode-"));
  try {
    const file = plainStoreIn(dir);
    // A folder where the record goes: its rename fails, as its write does on a full disk.
    mkdirSync(join(dir, "erase-pending.json"));
    const next = encryptedOptions(undefined, file);
    const store = new SqliteStore(file);
    const report = recode(vacuumFails(store.database), PLAIN_CODEC, next.codec, next.newRecord);
    store.close();
    expect(report.rewriteFailed).toStartWith("database or disk is full");
    expect(report.memories).toBe(1);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp") || n.includes(".backup-"))).toEqual([]);
    const reopened = new SqliteStore(file, next);
    try {
      expect(reopened.encryption()?.keyCheck).toBe(next.newRecord.keyCheck);
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a failure after the commit keeps the new key file and is thrown as it is, not as KEY_CHANGED", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-recode-"));
  try {
    const file = plainStoreIn(dir);
    // Opened as `cairn encrypt` opens it: nothing read through it before the re-encoding.
    const store = new SqliteStore(file);
    const recodeNow = store.recode.bind(store);
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    store.recode = (...args: Parameters<SqliteStore["recode"]>) => {
      recodeNow(...args);
      throw full;
    };
    const env = { HOME: join(dir, "home") };
    expect(() => recodeUnderNewKey(store, {}, true, env)).toThrow(full);
    store.close();
    const keys = readdirSync(join(dir, "home", ".config", "cairn"));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEndWith(".key");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
