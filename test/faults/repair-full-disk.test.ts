/**
 * @module `cairn doctor --repair` on a nearly full disk (a tmpfs with less free than the repair needs): it either
 * finishes or fails saying so, leaving `cairn.db` byte for byte as it was and no `cairn.db.repair-*` copy behind;
 * it never crashes, and never puts a copy whose content is still in its write-ahead log in the damaged file's
 * place (QA: "Bus error", and a `cairn.db` every command then called malformed). Mounting needs root and a
 * sandbox that allows it; elsewhere these tests skip.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { breakLeftLeaf } from "../helpers/damage.ts";
import { MOUNTS_ALLOWED, mountTmpfs, unmount } from "../helpers/mounts.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(120_000);

const when = MOUNTS_ALLOWED ? "" : " [skipped: mounting is not allowed here]";
let s: Sandbox;
let mnt: string;
beforeEach(() => {
  s = createSandbox();
  mnt = join(s.root, "disk");
});
afterEach(() => {
  if (MOUNTS_ALLOWED) unmount(mnt);
  s.cleanup();
});

const WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split(" ");

test.skipIf(!MOUNTS_ALLOWED)(`a repair short of space leaves cairn.db as it was, and nothing of its own${when}`, async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ content: `memory m${i}qv ${Array.from({ length: 14 }, (_, k) => `${WORDS[(i * 7 + k) % WORDS.length]}${(i * 31 + k * 17) % 9999}`).join(" ")}`, type: "fact" }));
  writeFileSync(join(s.root, "seed.jsonl"), `${lines.join("\n")}\n`);
  await s.ok(["import", join(s.root, "seed.jsonl"), "--no-embed", "--quiet"]);
  breakLeftLeaf(join(s.cairnHome, "cairn.db"));
  const damaged = readFileSync(join(s.cairnHome, "cairn.db"));
  if (!mountTmpfs(mnt, 40 * 2 ** 20)) throw new Error(`could not mount a tmpfs at ${mnt}`);

  const home = join(mnt, "home");
  const db = join(home, "cairn.db");
  const outcomes: string[] = [];
  // Between the file's size (below it the repair refuses to start) and twice that (the copy and its log).
  for (const share of [1.1, 1.3, 1.5, 1.7, 1.9]) {
    rmSync(home, { recursive: true, force: true });
    cpSync(s.cairnHome, home, { recursive: true });
    const s0 = statfsSync(mnt);
    const filler = join(mnt, "filler");
    writeFileSync(filler, new Uint8Array(Math.max(0, s0.bavail * s0.bsize - Math.round(share * damaged.length))));
    const r = await s.run(["doctor", "--repair", "--json"], { env: { CAIRN_HOME: home } });
    rmSync(filler);
    expect(r.exitCode === 0 || r.exitCode === 1).toBe(true); // not 135: a Bus error
    const repair = (JSON.parse(r.stdout) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((c) => c.name === "repair")!;
    expect(readdirSync(home).filter((n) => n.includes(".repair-"))).toEqual([]);
    if (repair.level === "fail") {
      outcomes.push("failed");
      expect(repair.detail).toContain("was left as it is");
      expect(readFileSync(db).equals(damaged)).toBe(true);
      expect(statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    } else {
      outcomes.push("repaired");
      const stats = await s.run(["stats", "--json"], { env: { CAIRN_HOME: home } });
      expect(stats.exitCode).toBe(0);
      expect((JSON.parse(stats.stdout) as { memories: number }).memories).toBeGreaterThan(4900);
    }
  }
  // Space enough at last: the repair goes through on the file it left as it was.
  rmSync(home, { recursive: true, force: true });
  cpSync(s.cairnHome, home, { recursive: true });
  const last = await s.run(["doctor", "--repair"], { env: { CAIRN_HOME: home } });
  expect(last.stdout).toMatch(/^\S+\s+repair\s+the database was damaged/m);
  expect(outcomes).toContain("failed");
  console.log(outcomes);
});
