/** @module Consolidation on planted groups: near-copies and same-error groups merge, neighbours that differ stay; dry run, holds, undo, audit. */
import { describe, expect, test } from "bun:test";
import { compareStatements } from "../../src/capture/compare.ts";
import { nearCopyGroups } from "../../src/capture/near-copies.ts";
import { rootCauseKey } from "../../src/capture/root-cause.ts";
import { buildMemory, type RememberInput } from "../../src/engine/remember.ts";
import { testEngine } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";

/** How many active memories of `t` hold `text`. */
const holding = (t: ReturnType<typeof testEngine>, text: string) => t.engine.list({ limit: 100 }).memories.filter((m) => m.content.includes(text)).length;

const HOUR = 3_600_000;

function planted() {
  const t = testEngine();
  const add = (content: string, extra: Record<string, unknown> = {}) => {
    t.advance(HOUR);
    return t.engine.remember({ content, type: "lesson", ...extra }).id;
  };
  // Near-copies as an import, a sync or a build without the write-time check leaves them: `remember` would
  // reinforce the first instead of storing the others (engine/remember.ts).
  const copy = (content: string, extra: Partial<RememberInput> = {}) => {
    t.advance(HOUR);
    const m = buildMemory({ project: "/work/app" }, { content, type: "lesson", ...extra }, t.clock.now);
    t.store.insert(m);
    // With its audit entry, as an import writes one (audit verify checks every memory against the log).
    t.store.appendAudit({ at: t.clock.now, actor: "import", op: "create", memoryId: m.id, hashBefore: null, hashAfter: m.contentHash, contentBefore: null, detail: {} });
    return m.id;
  };
  // Written first: a later "we moved from …" would supersede the copies on write (related-on-write.ts).
  const moved = add("We moved from `pnpm db:migrate` to `pnpm prisma migrate deploy` before integration tests.");
  const copies = [
    copy("Always run `pnpm db:migrate` before the integration tests.", { tags: ["db"] }),
    copy("Always run `pnpm db:migrate` before running the integration tests.", { tags: ["ci"] }),
    copy("Always run `pnpm db:migrate` first, before the integration tests.", { priority: 5 }),
  ];
  const others = [
    add("Also run `pnpm db:seed` before the integration tests."),
    moved,
    copy("Always run `pnpm db:migrate` before the integration tests.", { project: "/work/other" }),
    copy("Always run `pnpm db:migrate` before running the integration tests.", { project: "/work/other", type: "decision" }),
  ];
  const sig = "npm ERR! ERESOLVE unable to resolve dependency tree";
  const errors = [
    t.engine.remember({ content: `\`npm\` failed: ${sig}`, type: "error" }).id,
    add(`\`npm install\` failed with "${sig}"; fixed by running \`npm install --legacy-peer-deps\`.`),
    add(`\`npm ci\` failed with "${sig}"; fixed by pinning react to 18.3.1 in package.json.`),
  ];
  return { ...t, copies, others, errors };
}

describe("finding groups", () => {
  test("near-copies chain by the duplicate rule; an addition or a change of value does not join", () => {
    const items = [
      { id: "a", content: "Deploys go through the `release` workflow on tags." },
      { id: "b", content: "Deploys go through the `release` workflow, on tags." },
      { id: "c", content: "Deploys go through the `release` workflow on tags only." },
      { id: "d", content: "Deploys also go through the `hotfix` workflow on tags." },
      { id: "e", content: "Staging deploys use port 8080." },
      { id: "f", content: "Staging deploys use port 9090." },
      // The same words the other way round say the opposite (QA: the idle fold kept one of the two rules).
      { id: "g", content: "Staging deploys are automatic; production deploys need approval." },
      { id: "h", content: "Production deploys are automatic; staging deploys need approval." },
    ];
    expect(nearCopyGroups(items)).toEqual([["a", "b", "c"]]);
  });

  test("the candidate filter is exact: the groups are those of comparing every pair (a store of many near-copies)", () => {
    const subjects = ["the deploy workflow", "staging deploys", "the billing service", "nightly backups", "the API gateway"];
    const verbs = ["runs on tags", "needs approval", "uses port 8080", "uses port 9090", "is owned by the platform team"];
    const tails = ["", " only", " for now", " in CI", ", always"];
    let n = 0;
    const items: Array<{ id: string; content: string }> = [];
    for (const s of subjects) for (const v of verbs) for (const t of tails) items.push({ id: `m${n++}`, content: `${s[0]!.toUpperCase()}${s.slice(1)} ${v}${t}.` });
    // Every pair, as compareStatements calls it, chained by union-find.
    const parent = items.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let i = 0; i < items.length; i++) {
      for (let j = 0; j < i; j++) if (compareStatements(items[j]!.content, items[i]!.content).relation === "duplicate") parent[find(i)] = find(j);
    }
    const byRoot = new Map<number, string[]>();
    items.forEach((it, i) => (byRoot.get(find(i)) ?? byRoot.set(find(i), []).get(find(i))!).push(it.id));
    const brute = [...byRoot.values()].filter((g) => g.length > 1);
    expect(brute.length).toBeGreaterThan(5);
    expect(nearCopyGroups(items).map((g) => g.join()).sort()).toEqual(brute.map((g) => g.join()).sort());
  });

  test("root-cause keys level numbers and quoting, and are null without an error", () => {
    expect(rootCauseKey('`npm test` failed with "Error: listen EADDRINUSE :::3000"; fixed by killing the old server.')).toBe(
      rootCauseKey("`npm` failed: Error: listen EADDRINUSE :::4000"),
    );
    expect(rootCauseKey("TypeError: user.name is not a function. Happened in the login form.")).toBe("typeerror user.name is not a function");
    expect(rootCauseKey("We use pnpm for every package.")).toBeNull();
  });

  test("npm's error code names the failure, on one line or with npm's next lines, said by a hook or by hand (QA)", () => {
    const keys = [
      "npm ERR! code ERESOLVE while installing react 18; fixed with --legacy-peer-deps",
      "npm ERR! code ERESOLVE on next 14 install; fixed by pinning eslint 8",
      "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree",
      '`npm install` failed with "npm error code ERESOLVE could not resolve"; fixed by removing the stale lockfile',
    ].map(rootCauseKey);
    expect(keys).toEqual(["npm eresolve", "npm eresolve", "npm eresolve", "npm eresolve"]);
    expect(rootCauseKey("npm ERR! code EACCES permission denied, mkdir '/usr/lib/node_modules'")).toBe("npm eacces");
  });
});

describe("cairn consolidate", () => {
  test("a dry run plans both kinds of group and writes nothing", () => {
    const { engine, copies, errors } = planted();
    const head = engine.auditHead();
    const r = engine.consolidate({ dryRun: true });
    expect(r.groups.map((g) => [g.reason, [...g.sources].sort()])).toEqual([
      ["near-copies", [...copies].sort()],
      ["same-error", [...errors].sort()],
    ]);
    expect(r.groups.every((g) => g.id === null)).toBe(true);
    expect(engine.auditHead()).toEqual(head);
    expect(engine.get(copies[0]!, { track: false }).status).toBe("active");
  });

  test("sources are archived and linked, the new memory keeps every source's words, tags and dates; recall finds it", async () => {
    const { engine, copies, others } = planted();
    const r = engine.consolidate();
    const near = r.groups.find((g) => g.reason === "near-copies")!;
    const merged = engine.get(near.id!, { track: false });
    expect(merged.status).toBe("active");
    // The newest of equally used copies is the text; the others add no uncovered sentence.
    expect(merged.content).toBe("Always run `pnpm db:migrate` first, before the integration tests.");
    expect(merged.tags).toEqual(expect.arrayContaining(["db", "ci"]));
    expect(merged.priority).toBe(5);
    // The earliest and latest dates are the sources'; no event time is made up from their creation (QA).
    expect(merged.eventTime).toBeNull();
    expect(merged.metadata.consolidated).toMatchObject({ first: engine.get(copies[0]!, { track: false }).createdAt, last: engine.get(copies[2]!, { track: false }).createdAt });
    for (const id of copies) {
      expect(engine.get(id, { track: false }).status).toBe("archived");
      expect(engine.links(id)).toContainEqual({ relation: "part_of", direction: "out", id: merged.id });
      expect(engine.history(id).entries.map((e) => e.op)).toContain("consolidate");
    }
    const error = engine.get(r.groups.find((g) => g.reason === "same-error")!.id!, { track: false });
    expect(error.type).toBe("lesson");
    expect(error.content).toContain("--legacy-peer-deps");
    expect(error.content).toContain("pinning react");
    for (const id of others) expect(engine.get(id, { track: false }).status).toBe("active");
    const found = await engine.recall({ query: "db:migrate integration tests", mode: "keyword" });
    expect(found.results.map((x) => x.memory.id)).toContain(merged.id);
    expect(found.results.map((x) => x.memory.id)).not.toContain(copies[1]);
    expect(engine.verifyAudit()).toMatchObject({ ok: true });
    // Nothing left to fold: a second run changes nothing.
    expect(engine.consolidate().groups).toEqual([]);
  });

  test("the sources' links to other memories are the consolidated memory's too: a linked fix still comes along (QA)", async () => {
    const { engine, advance } = testEngine();
    const error = engine.remember({ content: "Webpack build crashes with JavaScript heap out of memory on the admin bundle", type: "error" }).id;
    const fix = engine.remember({ content: "Set NODE_OPTIONS=--max-old-space-size=4096 in the CI runner", type: "lesson" }).id;
    const cause = engine.remember({ content: "The admin bundle imports the whole icon set", type: "fact" }).id;
    engine.relate(fix, error, "fixes");
    engine.relate(error, cause, "caused_by");
    advance(1000);
    expect(engine.remember({ content: "Webpack build crashes with JavaScript heap out of memory on the admin bundle, again", type: "error" }).status).toBe("created");
    const merged = engine.consolidate().groups.find((g) => g.reason === "near-copies")!.id!;
    const links = engine.links(merged).map((l) => [l.relation, l.direction, l.id]);
    expect(links).toContainEqual(["fixes", "in", fix]);
    expect(links).toContainEqual(["caused_by", "out", cause]);
    const found = await engine.recall({ query: "webpack heap out of memory", mode: "keyword" });
    expect(found.results.map((r) => r.memory.id)).toEqual(expect.arrayContaining([merged, fix]));
    expect(engine.verifyAudit()).toMatchObject({ ok: true });
  });

  test("a memory stored with distinct is not folded into its near-copies (QA: the idle fold undid the user's choice)", () => {
    const { engine, store, advance } = testEngine();
    engine.remember({ content: "Always run `pnpm db:migrate` before the integration tests.", type: "decision" });
    advance(1000);
    const kept = engine.remember({ content: "Always run `pnpm db:migrate` first, before the integration tests.", type: "decision", distinct: true });
    expect(kept.status).toBe("created");
    expect(engine.consolidate({ dryRun: true }).groups).toEqual([]);
    // A near-copy without the mark (written around remember's check, as an import may) folds with the first.
    advance(1000);
    const plain = buildMemory({ project: "/work/app" }, { content: "Always run `pnpm db:migrate` before running the integration tests.", type: "decision" }, Date.now());
    store.insert(plain);
    expect(engine.consolidate({ dryRun: true }).groups.map((g) => g.sources.length)).toEqual([2]);
  });

  test("a same-error fold keeps every fix and every command, however few words it adds", () => {
    const t = testEngine();
    const sig = "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree";
    for (const [head, fix] of [["npm install failed:", "Fix: --legacy-peer-deps"], ["npm install failed again:", "Fix: pin eslint 8"], ["npm ci failed:", "Fix: regenerate lockfile"]]) {
      t.advance(HOUR);
      t.engine.remember({ content: `${head}\n${sig}\n${fix}`, type: "error" });
    }
    const group = t.engine.consolidate({ reasons: ["same-error"] }).groups[0]!;
    for (const line of ["Fix: --legacy-peer-deps", "Fix: pin eslint 8", "Fix: regenerate lockfile", "npm install failed", "npm ci failed"]) expect(group.content).toContain(line);
    // A sentence only reworded (a word's other form) still adds nothing.
    expect(group.content.split("\n").filter((l) => l.includes("unable to resolve"))).toHaveLength(1);
  });

  test("undo brings the sources back and archives the consolidated memory; a plain memory is refused", () => {
    const { engine, copies, others } = planted();
    const id = engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    const undone = engine.undoConsolidation(id);
    expect(undone.restored.sort()).toEqual([...copies].sort());
    expect(undone.missing).toEqual([]);
    expect(undone.already).toBe(false);
    expect(engine.undoConsolidation(id)).toMatchObject({ restored: [], missing: [], already: true });
    expect(engine.get(id, { track: false }).status).toBe("archived");
    for (const c of copies) expect(engine.get(c, { track: false }).status).toBe("active");
    expect(codeOf(() => engine.undoConsolidation(others[0]!))).toBe("NOT_CONSOLIDATED");
  });

  test("undo of a consolidation superseded since brings its sources back superseded by the newer one; edits made to it are said; an idle pass leaves them unfolded (QA)", () => {
    const t = planted();
    const id = t.engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    t.advance(HOUR);
    t.engine.update(id, { content: "Always run `pnpm db:migrate` (make migrate) before the integration tests." });
    const newer = t.engine.remember({ content: "Integration tests now migrate the database themselves; no manual step.", type: "lesson" }).id;
    t.engine.relate(newer, id, "supersedes");
    const undone = t.engine.undoConsolidation(id);
    expect(undone).toMatchObject({ supersededBy: newer, edited: true });
    for (const c of t.copies) expect(t.engine.get(c, { track: false })).toMatchObject({ status: "superseded", supersededBy: newer });
    // Made current again (the newer one forgotten), they are not folded again by an idle pass; an explicit run may.
    t.engine.forget(newer);
    for (const c of t.copies) expect(t.engine.get(c, { track: false }).status).toBe("active");
    expect(t.engine.consolidate({ reasons: ["near-copies"], idle: true }).groups.filter((g) => g.sources.some((s) => t.copies.includes(s)))).toEqual([]);
    expect(t.engine.consolidate({ reasons: ["near-copies"], dryRun: true }).groups.some((g) => g.sources.some((s) => t.copies.includes(s)))).toBe(true);
  });

  test("what a source superseded is superseded by the consolidated memory, and by the source again after an undo (QA)", () => {
    const t = planted();
    t.advance(HOUR);
    const old = t.engine.remember({ content: "Run the integration tests against the shared staging database.", type: "lesson" }).id;
    t.engine.relate(t.copies[0]!, old, "supersedes");
    const id = t.engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    expect(t.engine.get(old, { track: false })).toMatchObject({ status: "superseded", supersededBy: id });
    t.engine.undoConsolidation(id);
    expect(t.engine.get(old, { track: false })).toMatchObject({ status: "superseded", supersededBy: t.copies[0] });
    const again = t.engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    // Forgetting the memory that took the sources' place makes what they superseded current again.
    expect(t.engine.forget(again).current).toEqual([old]);
  });

  test("a group whose text would leave sentences out, or whose tags pass the limit, is left as it is; the other groups still fold and are reported (QA)", () => {
    const t = testEngine();
    const insert = (content: string, tags: string[] = []) => {
      t.advance(HOUR);
      const m = buildMemory({ project: "/work/app" }, { content, type: "error", tags }, t.clock.now);
      t.store.insert(m);
      t.store.appendAudit({ at: t.clock.now, actor: "import", op: "create", memoryId: m.id, hashBefore: null, hashAfter: m.contentHash, contentBefore: null, detail: {} });
      return m.id;
    };
    const long = (i: number) => `npm ERR! code ERESOLVE unable to resolve dependency tree. ${Array.from({ length: 120 }, (_, j) => `Sentence s${i}x${j} says zeta${i}${j}x omega${i}${j}y kappa${i}${j}z delta${i}${j}w.`).join(" ")} Fixed it with flag${i}zz.`;
    const big = [0, 1, 2].map((i) => insert(long(i)));
    const tagged = [0, 1].map((i) => insert("The payments worker retries failed webhooks five times.", Array.from({ length: 600 }, (_, k) => `t${i}-${k}`)));
    const plain = [insert("The docs site deploys from the main branch."), insert("The docs site deploys from the main branch!")];
    const report = t.engine.consolidate();
    const of = (ids: string[]) => report.groups.find((g) => g.sources.some((s) => ids.includes(s)))!;
    expect(of(big).skipped).toMatch(/would leave \d+ sentence\(s\) of the sources out/);
    expect(of(tagged).skipped).toMatch(/merged tags would pass the limit/);
    expect(of(plain)).toMatchObject({ skipped: undefined, id: expect.any(String) });
    for (const id of [...big, ...tagged]) expect(t.engine.get(id, { track: false }).status).toBe("active");
    expect(holding(t, "flag2zz")).toBe(1);
  });

  test("a source forgotten after it was folded is said to be, and an undo leaves it archived (QA: \"already\", then brought back)", () => {
    const { engine, copies } = planted();
    const id = engine.consolidate({ reasons: ["near-copies"] }).groups[0]!.id!;
    expect(engine.forget(copies[1]!)).toEqual({ id: copies[1]!, status: "archived", folded: [id] });
    expect(engine.forget(copies[1]!)).toEqual({ id: copies[1]!, status: "archived", already: true });
    const undone = engine.undoConsolidation(id);
    expect(undone.restored.sort()).toEqual([copies[0]!, copies[2]!].sort());
    expect(undone.missing).toEqual([copies[1]!]);
    expect(engine.get(copies[1]!, { track: false }).status).toBe("archived");
  });

  test("a consolidation folded into a later one is undone after it, not alone (QA: three active copies)", () => {
    const t = planted();
    const first = t.engine.consolidate({ reasons: ["near-copies"] }).groups.find((g) => g.sources.includes(t.copies[0]!))!.id!;
    t.advance(HOUR);
    const late = buildMemory({ project: "/work/app" }, { content: t.engine.get(first, { track: false }).content.replace(/\.$/, "!"), type: "lesson" }, t.clock.now);
    t.store.insert(late);
    t.store.appendAudit({ at: t.clock.now, actor: "import", op: "create", memoryId: late.id, hashBefore: null, hashAfter: late.contentHash, contentBefore: null, detail: {} });
    const second = t.engine.consolidate({ reasons: ["near-copies"] }).groups.find((g) => g.sources.includes(first))!.id!;
    expect(codeOf(() => t.engine.undoConsolidation(first))).toBe("CONSOLIDATED_SINCE");
    for (const c of t.copies) expect(t.engine.get(c, { track: false }).status).toBe("archived");
    expect(t.engine.undoConsolidation(second).restored.sort()).toEqual([first, late.id].sort());
    expect(t.engine.undoConsolidation(first).restored.sort()).toEqual([...t.copies].sort());
  });

  test("purging a source builds the consolidated memory again without its words; purging every source purges it", () => {
    const { engine, errors } = planted();
    const id = engine.consolidate({ reasons: ["same-error"] }).groups[0]!.id!;
    const before = engine.get(id, { track: false });
    expect(before.content).toContain("pinning react");
    const forgot = engine.forget(errors[2]!, { hard: true });
    expect(forgot.quoting!.rewritten).toEqual([id]);
    const after = engine.get(id, { track: false });
    expect(after.content).not.toContain("pinning react");
    expect(after.content).toContain("--legacy-peer-deps");
    expect([...(after.metadata.consolidated as { sources: string[] }).sources].sort()).toEqual([errors[0]!, errors[1]!].sort());
    // Its earlier version (which held the words) is gone from the history too.
    expect(JSON.stringify(engine.history(id))).not.toContain("pinning react");
    expect(engine.verifyAudit().ok).toBe(true);
    engine.forget(errors[0]!, { hard: true });
    expect(engine.get(id, { track: false }).content).toContain("--legacy-peer-deps");
    expect(engine.forget(errors[1]!, { hard: true }).quoting!.purged).toEqual([id]);
    expect(codeOf(() => engine.get(id, { track: false }))).toBe("ERASED");
  });

  test("purging a consolidated memory purges the archived sources it was built from; a restored one stays; a held one refuses", () => {
    const { engine, errors } = planted();
    const id = engine.consolidate({ reasons: ["same-error"] }).groups[0]!.id!;
    engine.restore(errors[0]!);
    const purged = engine.forget(id, { hard: true });
    expect([...purged.sources!].sort()).toEqual([errors[1]!, errors[2]!].sort());
    for (const e of [errors[1]!, errors[2]!]) expect(codeOf(() => engine.get(e, { track: false }))).toBe("ERASED");
    expect(engine.get(errors[0]!, { track: false }).status).toBe("active");
    expect(JSON.stringify(engine.list({ statuses: ["active", "superseded", "archived"], limit: 100 }))).not.toContain("pinning react");
    expect(engine.verifyAudit().ok).toBe(true);
    const again = planted();
    const other = again.engine.consolidate({ reasons: ["same-error"] }).groups[0]!.id!;
    again.engine.addHold({ id: again.errors[1]!, reason: "litigation 2026-16" });
    expect(codeOf(() => again.engine.forget(other, { hard: true }))).toBe("HELD");
    expect(again.engine.get(other, { track: false }).status).toBe("active");
  });

  test("a consolidated memory edited by hand has the purged source's words erased instead", () => {
    const { engine, errors } = planted();
    const id = engine.consolidate({ reasons: ["same-error"] }).groups[0]!.id!;
    const text = engine.get(id, { track: false }).content;
    engine.update(id, { content: `${text}\nChecked again on the CI runners.` });
    engine.forget(errors[2]!, { hard: true });
    const after = engine.get(id, { track: false }).content;
    expect(after).not.toContain("pinning react");
    expect(after).toContain("[erased]");
    expect(after).toContain("Checked again on the CI runners.");
    // What the remaining sources say too stays (QA: "[erased] corporate VPN (vpn.corp) [erased]").
    expect(after).toContain("--legacy-peer-deps");
    expect(after).toContain("ERESOLVE unable to resolve dependency tree");
  });

  test("a source of a consolidation under a legal hold is not purged", () => {
    const { engine, errors } = planted();
    const id = engine.consolidate({ reasons: ["same-error"] }).groups[0]!.id!;
    engine.addHold({ id, reason: "litigation 2026-15" });
    expect(codeOf(() => engine.forget(errors[2]!, { hard: true }))).toBe("HELD");
    expect(engine.get(errors[2]!, { track: false }).content).toContain("pinning react");
    expect(engine.get(id, { track: false }).content).toContain("pinning react");
  });

  test("a group with a held member is left as it is", () => {
    const { engine, copies } = planted();
    engine.addHold({ id: copies[1]!, reason: "litigation 2026-14" });
    const g = engine.consolidate({ reasons: ["near-copies"] }).groups[0]!;
    expect(g.skipped).toContain("legal hold");
    expect(g.id).toBeNull();
    for (const c of copies) expect(engine.get(c, { track: false }).status).toBe("active");
  });
});
