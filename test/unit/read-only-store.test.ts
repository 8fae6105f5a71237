/**
 * @module A store that cannot be written — opened read-only (the seam a read-only disk takes), turned read-only
 * under a running process, or on a full disk — answers every read, skips access counts with one warning, and
 * refuses writes with DB_READ_ONLY / DB_FULL, changing nothing. Runs everywhere; test/faults/ repeats it on real
 * read-only and full mounts where mounting is allowed.
 */
import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { CairnError } from "../../src/errors.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

let dir: string;
let path: string;
let warnings: string[];
let restoreStderr: () => void;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-ro-"));
  path = join(dir, "cairn.db");
  warnings = [];
  const spy = spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    warnings.push(String(chunk));
    return true;
  });
  restoreStderr = () => spy.mockRestore();
});
afterEach(() => {
  restoreStderr();
  rmSync(dir, { recursive: true, force: true });
});

function engineOn(store: SqliteStore): Engine {
  return new Engine({ store, project: "/work/app", actor: "test" });
}

/** A store on disk with three memories, closed again; returns their ids. */
function seed(): string[] {
  const store = new SqliteStore(path);
  const engine = engineOn(store);
  const ids = ["we use pnpm for packages", "the deploy runs on fridays", "pnpm workspaces hold the services"].map(
    (content) => engine.remember({ content }).id,
  );
  engine.close();
  return ids;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof CairnError ? err.code : `not a CairnError: ${String(err)}`;
  }
  return "no error";
}

describe("a store opened read-only", () => {
  test("recall, list, get, export and stats work; access counts are skipped with one warning", async () => {
    const ids = seed();
    const engine = engineOn(new SqliteStore(path, { readOnly: true }));
    try {
      for (let i = 0; i < 3; i++) expect((await engine.recall({ query: "pnpm", mode: "keyword" })).results).toHaveLength(2);
      expect(engine.list({ limit: 10 }).memories).toHaveLength(3);
      expect(engine.get(ids[0]!).content).toBe("we use pnpm for packages");
      expect([...engine.export()]).toHaveLength(3);
      expect(engine.stats().total).toBe(3);
      expect(engine.get(ids[0]!).accessCount).toBe(0);
    } finally {
      engine.close();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cairn warn: the memory database is read-only \(.*\): recall works, but access counts are not recorded/);
    expect(warnings[0]).toContain(dir);
    expect(warnings[0]!.trimEnd().split("\n")).toHaveLength(1);
  });

  test("every kind of write fails with DB_READ_ONLY and the file keeps its bytes", () => {
    const ids = seed();
    const before = readFileSync(path);
    const engine = engineOn(new SqliteStore(path, { readOnly: true }));
    try {
      expect(codeOf(() => engine.remember({ content: "a new fact about caching" }))).toBe("DB_READ_ONLY");
      expect(codeOf(() => engine.update(ids[0]!, { content: "we use npm" }))).toBe("DB_READ_ONLY");
      expect(codeOf(() => engine.forget(ids[1]!))).toBe("DB_READ_ONLY");
      expect(codeOf(() => engine.forget(ids[1]!, { hard: true }))).toBe("DB_READ_ONLY");
      expect(codeOf(() => engine.relate(ids[0]!, ids[2]!, "relates_to"))).toBe("DB_READ_ONLY");
      expect(engine.list({ limit: 10 }).memories).toHaveLength(3);
    } finally {
      engine.close();
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("the refusal says what to do, for the CLI and for MCP", () => {
    seed();
    const store = new SqliteStore(path, { readOnly: true });
    try {
      const err = store.writeRefusal() as CairnError;
      expect(err.code).toBe("DB_READ_ONLY");
      expect(err.message).toContain(`needs write access to ${dir}`);
      expect(err.forMcp().message).toMatch(/recall, list and get tools still work/);
      expect(err.forMcp().message).not.toMatch(/(^|[\s`(])--[a-z]/);
    } finally {
      store.close();
    }
    const writable = new SqliteStore(path);
    expect(writable.writeRefusal()).toBeNull();
    writable.close();
  });
});

describe("a store whose writes fail under a running process", () => {
  test("SQLite refusing writes (the disk turned read-only): DB_READ_ONLY, reads and recall go on", async () => {
    seed();
    const store = new SqliteStore(path);
    const engine = engineOn(store);
    try {
      store.database.run("PRAGMA query_only = ON"); // SQLite answers every write with SQLITE_READONLY
      expect(codeOf(() => engine.remember({ content: "written after the disk went read-only" }))).toBe("DB_READ_ONLY");
      expect((await engine.recall({ query: "pnpm", mode: "keyword" })).results).toHaveLength(2);
      expect((await engine.recall({ query: "deploy", mode: "keyword" })).results).toHaveLength(1);
      expect(engine.stats().total).toBe(3);
    } finally {
      engine.close();
    }
    expect(warnings.filter((w) => w.includes("access counts are not recorded"))).toHaveLength(1);
  });

  test("a full disk (SQLITE_FULL): DB_FULL, nothing half-written, and writes work again once there is room", async () => {
    seed();
    const store = new SqliteStore(path);
    const engine = engineOn(store);
    try {
      const pages = (store.database.query("PRAGMA page_count").get() as { page_count: number }).page_count;
      store.database.run(`PRAGMA max_page_count = ${pages}`); // the file may not grow: SQLite reports SQLITE_FULL
      const statsBefore = engine.stats();
      const big = `zeppelin hangar notes ${"lorem ipsum dolor sit amet ".repeat(600)}`;
      expect(codeOf(() => engine.remember({ content: big }))).toBe("DB_FULL");
      const after = engine.stats();
      expect({ total: after.total, audit: after.auditEntries }).toEqual({ total: statsBefore.total, audit: statsBefore.auditEntries });
      expect((await engine.recall({ query: "zeppelin", mode: "keyword" })).results).toHaveLength(0);
      expect((await engine.recall({ query: "pnpm", mode: "keyword" })).results).toHaveLength(2);
      store.database.run(`PRAGMA max_page_count = ${pages * 100}`);
      engine.remember({ content: big });
      expect((await engine.recall({ query: "zeppelin", mode: "keyword" })).results).toHaveLength(1);
    } finally {
      engine.close();
    }
  });
});
