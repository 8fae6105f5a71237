/** @module Short ids: the random end of a UUIDv7, extended only when another memory ends the same way; resolving every form. */
import { describe, expect, test } from "bun:test";
import { T0, testEngine } from "../helpers/engine.ts";
import { cairnErrorOf } from "../helpers/errors.ts";

/** Imports memories with chosen ids, so tails can collide on purpose. */
async function withIds(ids: string[]) {
  const t = testEngine();
  await t.engine.import(ids.map((id, i) => JSON.stringify({ id, content: `memory number ${i} for id ${id}` })).join("\n"));
  return t;
}

const A = "01a23787-e737-770b-875b-1dc4db1744ea";
const B = "01a23787-e737-770b-875b-2ec4db1744ea"; // same last 10 characters; the 11th from the end differs
const C = "01a23787-e740-7000-8000-00000000c0de";

describe("short ids", () => {
  test("the last 8 characters, longer just as far as needed to tell ids apart", async () => {
    const { engine } = await withIds([A, B, C]);
    const short = engine.shortIds([A, B, C]);
    expect(short.get(C)).toBe("0000c0de");
    expect(short.get(A)).toBe("dc4db1744ea");
    expect(short.get(B)).toBe("ec4db1744ea");
  });

  test("ends are looked up through the index on an id's last four characters, not by reading every id", async () => {
    const { engine, store } = await withIds([A, B, C, "01a23787-e740-7000-8000-0000ab1c44ea"]);
    // Ends sharing their last four characters but not eight are told apart.
    expect(engine.shortIds([A]).get(A)).toBe("dc4db1744ea");
    expect(store.idsWithTail([A.slice(-8)]).sort()).toEqual([A, B].sort());
    expect(store.idsWithTail(["0b1c44ea"])).toEqual([]);
    // Without the index the lookup fails instead of quietly reading every id.
    store.database.run("DROP INDEX memories_id_tail");
    expect(() => store.idsWithTail([A.slice(-8)])).toThrow("no such index: memories_id_tail");
  });

  test("ids that are not UUIDs are shown whole", async () => {
    const { engine } = await withIds(["legacy-7"]);
    expect(engine.shortIds(["legacy-7"]).get("legacy-7")).toBe("legacy-7");
  });

  test("a fresh memory's short id is its last 8 characters and resolves back", () => {
    const { engine } = testEngine();
    const { id } = engine.remember({ content: "the short form resolves back to the full id" });
    const short = engine.shortIds([id]).get(id)!;
    expect(short).toBe(id.slice(-8));
    expect(engine.get(short).id).toBe(id);
  });
});

describe("resolving what people type", () => {
  test("full id, unique end (any case), unique prefix", async () => {
    const { engine } = await withIds([A, C]);
    expect(engine.get(A).id).toBe(A);
    expect(engine.get("DB1744EA").id).toBe(A);
    expect(engine.get("1dc4db1744ea").id).toBe(A);
    expect(engine.get("01a23787-e74").id).toBe(C);
  });

  test("an imported id with capitals resolves as given, by its start too, and can be changed and erased (QA)", async () => {
    const { engine } = await withIds(["Note-ABC", "Trip-2024"]);
    expect(engine.get("Note-ABC").id).toBe("Note-ABC");
    expect(engine.get("Note").id).toBe("Note-ABC");
    engine.update("Note-ABC", { content: "a changed note" });
    expect(engine.get("Note-ABC", { track: false }).content).toBe("a changed note");
    engine.forget("Note-ABC", { hard: true });
    expect(cairnErrorOf(() => engine.get("Note-ABC")).code).toBe("ERASED");
    expect(engine.get("Trip-2024").id).toBe("Trip-2024");
    // Another casing of a name is not it: "NOTE-XYZ" does not pick "note-xyz" (QA).
    const both = await withIds(["Note-XYZ", "note-xyz"]);
    expect(both.engine.get("note-xyz").id).toBe("note-xyz");
    expect(cairnErrorOf(() => both.engine.get("NOTE-XYZ")).code).toBe("NOT_FOUND");
  });

  test("an ambiguous end or prefix lists the candidates by short id and content", async () => {
    const { engine } = await withIds([A, B, C]);
    const byEnd = cairnErrorOf(() => engine.get("db1744ea"));
    expect(byEnd.code).toBe("AMBIGUOUS_ID");
    expect(byEnd.isUsage).toBe(true);
    expect(byEnd.message).toContain("matches 2 memories");
    expect(byEnd.message).toContain(`dc4db1744ea ("memory number 0`);
    expect(byEnd.message).toContain(`ec4db1744ea ("memory number 1`);
    const byPrefix = cairnErrorOf(() => engine.get("01a23787"));
    expect(byPrefix.message).toContain("matches 3 memories");
    expect(byPrefix.message).toContain("0000c0de");
  });

  test("more than five candidates: five are listed and the count says there are more", async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `01a23787-e737-770b-875b-00000000000${i}`);
    const { engine } = await withIds(ids);
    const err = cairnErrorOf(() => engine.get("01a23787"));
    expect(err.message).toContain("matches more than 5 memories");
    expect(err.message.match(/\("memory number/g)).toHaveLength(5);
  });

  test("the start of the short form shown, when nothing else matches it (QA: `get df24c7` of `df24c7a1`)", async () => {
    const { engine } = await withIds([A, B, C]);
    expect(engine.shortIds([C]).get(C)).toBe("0000c0de");
    expect(engine.get("0000c0").id).toBe(C);
    expect(engine.get("0000").id).toBe(C);
    // A prefix of the full id still wins; a start two short forms share is ambiguous.
    expect(engine.get("01a23787-e74").id).toBe(C);
    expect(cairnErrorOf(() => engine.get("db1744")).code).toBe("AMBIGUOUS_ID");
    expect(cairnErrorOf(() => engine.get("0000c1")).code).toBe("NOT_FOUND");
  });

  test("a longer end of an id, across its last dash, resolves too (QA: `get 9b72-f7716bd5d5c2`)", async () => {
    const { engine } = await withIds([A, B, C]);
    expect(engine.get(A.slice(-17)).id).toBe(A);
    expect(engine.get(C.slice(-20).toUpperCase()).id).toBe(C);
    expect(cairnErrorOf(() => engine.get("0000-00000000c0de")).code).toBe("NOT_FOUND");
  });

  test("unknown, too short, and empty", async () => {
    const { engine } = await withIds([A]);
    expect(cairnErrorOf(() => engine.get("ffffffff")).code).toBe("NOT_FOUND");
    expect(cairnErrorOf(() => engine.get("01a")).code).toBe("NOT_FOUND");
    expect(cairnErrorOf(() => engine.get("  ")).code).toBe("NO_ID");
  });

  test("a purged memory's audit entries are found by its short id, or the start of its id (QA)", async () => {
    const { engine } = await withIds([A, B, C]);
    engine.forget(C, { hard: true });
    // Said to be erased, with when and the entry, not taken for a typo (QA).
    const gone = cairnErrorOf(() => engine.get("0000c0de"));
    expect([gone.code, gone.args[0]]).toEqual(["ERASED", C]);
    expect(gone.message).toContain("was erased on");
    expect(cairnErrorOf(() => engine.forget(C, { hard: true })).code).toBe("ERASED");
    const ops = (memory: string) => engine.auditLog({ memory, limit: 10 }).map((e) => [e.memoryId, e.op]);
    expect(ops("0000c0de")).toEqual([[C, "purge"], [C, "create"]]);
    expect(ops("01a23787-e740")).toEqual(ops("0000c0de"));
    expect(engine.history("0000c0de").id).toBe(C);
    // A stored memory still comes first; a part two purged ids share is ambiguous; an unknown one is not found.
    expect(ops("dc4db1744ea").map(([id]) => id)).toEqual([A]);
    engine.forget(A, { hard: true });
    engine.forget(B, { hard: true });
    expect(cairnErrorOf(() => engine.auditLog({ memory: "db1744ea", limit: 10 })).code).toBe("AMBIGUOUS_ID");
    expect(cairnErrorOf(() => engine.auditLog({ memory: "ffffffff", limit: 10 })).code).toBe("NOT_FOUND");
  });
});

test("audit log --actor: a kind of actor takes in its clients and sessions; a full actor only itself (QA: --actor hook found none)", () => {
  const { engine, store } = testEngine();
  const id = engine.remember({ content: "a memory to log against" }).id;
  for (const actor of ["mcp:claude-code/1.2", "mcp", "hook:abc123", "mcpx", "cli"]) {
    store.appendAudit({ at: T0, actor, op: "update", memoryId: id, hashBefore: null, hashAfter: null, contentBefore: null, detail: {} });
  }
  const actors = (actor: string) => engine.auditLog({ actor, limit: 50 }).map((e) => e.actor).sort();
  expect(actors("mcp")).toEqual(["mcp", "mcp:claude-code/1.2"]);
  expect(actors("hook")).toEqual(["hook:abc123"]);
  expect(actors("mcp:claude-code/1.2")).toEqual(["mcp:claude-code/1.2"]);
  expect(actors("mc")).toEqual([]);
});

test("audit log --actor mcp:<client> takes in every version of that client, and no other client (QA: it found none)", () => {
  const { engine, store } = testEngine();
  const id = engine.remember({ content: "a memory to log against" }).id;
  for (const actor of ["mcp:claude-code/1.2", "mcp:claude-code/1.3", "mcp:claude-code-insiders/0.9", "mcp", "cli:alice"]) {
    store.appendAudit({ at: T0, actor, op: "update", memoryId: id, hashBefore: null, hashAfter: null, contentBefore: null, detail: {} });
  }
  const actors = (actor: string) => engine.auditLog({ actor, limit: 50 }).map((e) => e.actor).sort();
  expect(actors("mcp:claude-code")).toEqual(["mcp:claude-code/1.2", "mcp:claude-code/1.3"]);
  expect(actors("mcp:claude-code/1.3")).toEqual(["mcp:claude-code/1.3"]);
  expect(actors("mcp:claude")).toEqual([]);
  expect(actors("cli:alice")).toEqual(["cli:alice"]);
});
