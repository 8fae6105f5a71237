/**
 * @module SIGKILL at a random moment of import, remember, edit, forget --hard, re-embedding and vector index
 * updates (the background embedding worker racing a write; on a plain store and on an encrypted one, whose
 * index file is sealed). After each kill a fresh process must find every acknowledged write as acknowledged (an
 * edit's new text, a hard delete gone), an unacknowledged one either whole or absent, an import all or nothing,
 * a sound database, and no vector index file but a whole one for this database.
 */
import { Database } from "bun:sqlite";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Rng } from "../rng.ts";
import { AeadCodec } from "../../src/store/aead-codec.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { indexFileState } from "../../src/store/index-file-io.ts";
import { readStoreIndexFile } from "../../src/store/sealed-vector-file.ts";
import { indexPath } from "../../src/store/vector-file.ts";
import { DEFAULT_MODEL } from "../../src/embed/registry.ts";
import { dbProblem, exported, firstLine, type Home, type Ledger, makeHome, type Options, progress, rngFor, run, type RunResult } from "./env.ts";

const WORDS = "harbour crane river stone cloud agent build schema migrate lock retry queue token budget cache deploy".split(" ");

/** What a fresh process must see: id → content, or null for a memory erased for good. */
type Expected = Map<string, string | null>;

interface KillState {
  opts: Options;
  home: Home;
  rng: Rng;
  expected: Expected;
  /** Ids whose content may be either of two texts (an edit killed before it answered), or absent (a delete). */
  either: Map<string, Array<string | null>>;
  /** Typical duration of the operation, from its uninterrupted runs: kills land anywhere in it. */
  typicalMs: number;
  /** The key of an encrypted home (its index file is sealed), else null. */
  key: Uint8Array | null;
}

function sentence(rng: Rng, tag: string): string {
  return `${tag} ${Array.from({ length: rng.int(4, 12) }, () => rng.pick(WORDS)).join(" ")}`;
}

/** Spawns the binary and SIGKILLs it after `delayMs` unless it exits first. */
async function runKilled(bin: string, home: Home, args: readonly string[], delayMs: number, env: Record<string, string> = {}): Promise<Killed> {
  const started = performance.now();
  const proc = Bun.spawn([bin, ...args], { cwd: home.cwd, env: { ...home.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    proc.kill("SIGKILL");
  }, delayMs);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const signal = proc.signalCode === null ? null : String(proc.signalCode);
  // Our SIGKILL shows as the signal, or as exit 137 when the process was already on its way out.
  const byUs = killed && (signal === "SIGKILL" || exitCode === 137);
  return { stdout, stderr, exitCode: byUs ? null : exitCode, signal: byUs ? "SIGKILL" : signal, killed: byUs, ms: performance.now() - started };
}

interface Killed extends RunResult {
  /** Ended by our SIGKILL (it may have finished its work first, unacknowledged). */
  killed: boolean;
  ms: number;
}

function activeIds(state: KillState): string[] {
  return [...state.expected].filter(([, c]) => c !== null).map(([id]) => id);
}

/** Checks a fresh process's view against what was acknowledged; returns the acknowledged writes found missing. */
async function verify(name: string, state: KillState, ledger: Ledger, trial: number): Promise<void> {
  const problem = dbProblem(state.home.db);
  if (problem) ledger.fail(name, `trial ${trial}: ${problem}`);
  const seen = await exported(state.opts.bin, state.home);
  if (typeof seen === "string") {
    ledger.fail(name, `trial ${trial}: ${seen}`);
    return;
  }
  let lost = 0;
  for (const [id, content] of state.expected) {
    const alternatives = state.either.get(id);
    const actual = seen.get(id) ?? null;
    if (alternatives) {
      if (!alternatives.includes(actual)) ledger.fail(name, `trial ${trial}: ${id} holds ${JSON.stringify(actual)}, neither of ${JSON.stringify(alternatives)}`);
      else state.expected.set(id, actual);
      continue;
    }
    if (actual !== content) {
      lost++;
      ledger.fail(name, `trial ${trial}: acknowledged ${content === null ? "erase of" : "write of"} ${id} not found as acknowledged (sees ${JSON.stringify(actual?.slice(0, 60) ?? null)})`);
    }
  }
  state.either.clear();
  ledger.row(name).lost += lost;
}

function delay(state: KillState): number {
  return state.rng.next() * state.typicalMs * 1.1;
}

function learn(state: KillState, r: Killed, ledger: Ledger, row: string): void {
  if (r.exitCode === 0) state.typicalMs = state.typicalMs * 0.8 + r.ms * 0.2;
  // Every run killed: the window may end before the work does (e.g. while the model loads); widen it.
  if (r.killed) {
    ledger.row(row).interrupted++;
    state.typicalMs *= 1.03;
  }
}

function unexpected(r: Killed): string | null {
  if (r.killed) return null;
  if (r.signal !== null) return `died of ${r.signal}`;
  if (r.exitCode !== null && r.exitCode !== 0) return `exit ${r.exitCode}: ${firstLine(r.stderr)}`;
  return null;
}

type Op = (state: KillState, trial: number, ledger: Ledger) => Promise<void>;

const ops: Record<string, { typicalMs: number; op: Op; seed?: (state: KillState) => Promise<void>; encrypted?: boolean }> = {
  remember: {
    typicalMs: 60,
    async op(state, trial, ledger) {
      const text = sentence(state.rng, `remember-${trial}`);
      const r = await runKilled(state.opts.bin, state.home, ["remember", text, "--json"], delay(state));
      learn(state, r, ledger, "kill: remember");
      if (r.exitCode === 0) {
        state.expected.set((JSON.parse(r.stdout) as { id: string }).id, text);
        ledger.row("kill: remember").acknowledged++;
      } else if (unexpected(r)) ledger.fail("kill: remember", `trial ${trial}: ${unexpected(r)}`);
    },
  },
  edit: {
    typicalMs: 60,
    async op(state, trial, ledger) {
      const id = state.rng.pick(activeIds(state));
      const before = state.expected.get(id)!;
      const text = sentence(state.rng, `edited-${trial}`);
      const r = await runKilled(state.opts.bin, state.home, ["edit", id, "--content", text, "--json"], delay(state));
      learn(state, r, ledger, "kill: edit");
      if (r.exitCode === 0) {
        state.expected.set(id, text);
        ledger.row("kill: edit").acknowledged++;
      } else {
        state.either.set(id, [before, text]);
        if (unexpected(r)) ledger.fail("kill: edit", `trial ${trial}: ${unexpected(r)}`);
      }
    },
  },
  "forget --hard": {
    typicalMs: 60,
    async op(state, trial, ledger) {
      const id = state.rng.pick(activeIds(state));
      const before = state.expected.get(id)!;
      const r = await runKilled(state.opts.bin, state.home, ["forget", id, "--hard", "--yes", "--json"], delay(state));
      learn(state, r, ledger, "kill: forget --hard");
      if (r.exitCode === 0) {
        state.expected.set(id, null);
        ledger.row("kill: forget --hard").acknowledged++;
      } else {
        state.either.set(id, [before, null]);
        if (unexpected(r)) ledger.fail("kill: forget --hard", `trial ${trial}: ${unexpected(r)}`);
      }
      // Keep something to erase and edit.
      if (activeIds(state).length < 5) await rememberSome(state, 20, `refill-${trial}`, ledger, "kill: forget --hard");
    },
  },
  import: {
    typicalMs: 400,
    async op(state, trial, ledger) {
      const n = state.rng.int(50, state.opts.quick ? 200 : 1500);
      const tag = `import-${trial}-`;
      const lines = Array.from({ length: n }, (_, i) => sentence(state.rng, `${tag}${i}`));
      const file = join(state.home.cwd, "batch.jsonl");
      writeFileSync(file, `${lines.map((content) => JSON.stringify({ content })).join("\n")}\n`);
      const args = ["import", file, "--json", ...(state.rng.chance(0.5) ? ["--no-embed"] : [])];
      const r = await runKilled(state.opts.bin, state.home, args, delay(state));
      learn(state, r, ledger, "kill: import");
      const seen = await exported(state.opts.bin, state.home);
      if (typeof seen === "string") return ledger.fail("kill: import", `trial ${trial}: ${seen}`);
      const mine = [...seen].filter(([, content]) => content.startsWith(tag));
      if (r.exitCode === 0) {
        ledger.row("kill: import").acknowledged += n;
        if (mine.length !== n) {
          ledger.row("kill: import").lost += n - mine.length;
          ledger.fail("kill: import", `trial ${trial}: import exited 0 with ${n} lines, ${mine.length} found`);
        }
      } else {
        if (unexpected(r)) ledger.fail("kill: import", `trial ${trial}: ${unexpected(r)}`);
        if (mine.length !== 0 && mine.length !== n) ledger.fail("kill: import", `trial ${trial}: killed import left ${mine.length} of ${n} lines (not all or nothing)`);
      }
      for (const [id, content] of mine) state.expected.set(id, content);
    },
  },
  reembed: {
    typicalMs: 300,
    async op(state, trial, ledger) {
      await importPending(state, trial, 40, ledger, "kill: reembed");
      const r = await runKilled(state.opts.bin, state.home, ["models", "reembed", "--json"], delay(state));
      learn(state, r, ledger, "kill: reembed");
      if (unexpected(r)) ledger.fail("kill: reembed", `trial ${trial}: ${unexpected(r)}`);
      vectorCheck(state, ledger, "kill: reembed", trial);
    },
  },
  "index update": { typicalMs: 300, op: indexUpdate("kill: index update") },
  // The same on an encrypted store, whose index file the worker seals (store/sealed-vector-file.ts).
  "index update (encrypted)": { typicalMs: 300, encrypted: true, op: indexUpdate("kill: index update (encrypted)") },
};

/** The background worker writes vectors and the index file while a write updates the table and FTS index. */
function indexUpdate(row: string): Op {
  return async (state, trial, ledger) => {
    await importPending(state, trial, 40, ledger, row);
    const at = delay(state);
    const text = sentence(state.rng, `index-${trial}`);
    const [worker, write] = await Promise.all([
      runKilled(state.opts.bin, state.home, ["models", "reembed", "--background"], at),
      runKilled(state.opts.bin, state.home, ["remember", text, "--json"], at),
    ]);
    learn(state, worker, ledger, row);
    for (const r of [worker, write]) if (unexpected(r)) ledger.fail(row, `trial ${trial}: ${unexpected(r)}`);
    if (write.exitCode === 0) {
      state.expected.set((JSON.parse(write.stdout) as { id: string }).id, text);
      ledger.row(row).acknowledged++;
    }
    vectorCheck(state, ledger, row, trial);
  };
}

async function rememberSome(state: KillState, n: number, tag: string, ledger: Ledger, row: string): Promise<void> {
  const file = join(state.home.cwd, "seed.jsonl");
  const lines = Array.from({ length: n }, (_, i) => sentence(state.rng, `${tag}-${i}`));
  writeFileSync(file, `${lines.map((content) => JSON.stringify({ content })).join("\n")}\n`);
  const r = await run(state.opts.bin, state.home, ["import", file, "--no-embed"]);
  if (r.exitCode !== 0) return ledger.fail(row, `seeding: ${firstLine(r.stderr)}`);
  const seen = await exported(state.opts.bin, state.home);
  if (typeof seen === "string") return ledger.fail(row, `seeding: ${seen}`);
  for (const [id, content] of seen) if (content.startsWith(`${tag}-`)) state.expected.set(id, content);
  ledger.row(row).acknowledged += n;
}

/** Memories without vectors, so the next re-embed has work to be killed in. */
function importPending(state: KillState, trial: number, n: number, ledger: Ledger, row: string): Promise<void> {
  return rememberSome(state, n, `pending-${trial}`, ledger, row);
}

/**
 * Vectors belong to live memories, one per memory and model; the vector index file, when there is one, is
 * whole and for this database (written to a temp file and renamed, a file a kill interrupted is never at the
 * path), every list passing its check (sealed: opening under the key).
 */
function vectorCheck(state: KillState, ledger: Ledger, row: string, trial: number): void {
  const db = new Database(state.home.db, { readonly: true });
  let epoch: number;
  try {
    const orphans = (db.query("SELECT count(*) AS n FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.seq = v.memory_seq)").get() as { n: number }).n;
    if (orphans > 0) ledger.fail(row, `trial ${trial}: ${orphans} vectors of missing memories`);
    epoch = indexFileState(db).epoch;
  } finally {
    db.close();
  }
  const path = indexPath(state.home.dir, INDEX_MODEL, INDEX_DIMS);
  if (!existsSync(path)) return;
  const codec = state.key ? new AeadCodec(state.key, path) : PLAIN_CODEC;
  const read = readStoreIndexFile(codec, path, INDEX_MODEL, INDEX_DIMS, epoch);
  if (!read.ok) {
    if (read.reason !== "absent") ledger.fail(row, `trial ${trial}: the vector index file is ${read.reason}`);
    return;
  }
  try {
    for (let l = 0; l < read.file.nlist; l++) if (!read.file.listOk(l)) return ledger.fail(row, `trial ${trial}: list ${l} of the vector index file fails its check`);
  } finally {
    read.file.close();
  }
}

/** The default model's index file (the campaign embeds with it: USE-lite, 512 dimensions). */
const INDEX_MODEL = DEFAULT_MODEL;
const INDEX_DIMS = 512;

export async function killCampaign(opts: Options, root: string, ledger: Ledger): Promise<void> {
  let salt = 100;
  for (const [name, { typicalMs, op, encrypted }] of Object.entries(ops)) {
    const row = `kill: ${name}`;
    const key = encrypted ? crypto.getRandomValues(new Uint8Array(32)) : null;
    const home = makeHome(root, key ? { CAIRN_KEY: Buffer.from(key).toString("hex") } : {});
    if (key) {
      const made = await run(opts.bin, home, ["init", "--encrypt"]);
      if (made.exitCode !== 0) {
        ledger.fail(row, `init --encrypt: ${firstLine(made.stderr)}`);
        continue;
      }
    }
    const state: KillState = { opts, home, rng: rngFor(opts, salt++), expected: new Map(), either: new Map(), typicalMs, key };
    await rememberSome(state, 20, "seed", ledger, row);
    const started = performance.now();
    for (let trial = 1; trial <= opts.trials; trial++) {
      await op(state, trial, ledger);
      await verify(row, state, ledger, trial);
      ledger.row(row).trials++;
      if (trial % 25 === 0 || trial === opts.trials) {
        const o = ledger.row(row);
        progress(`${row}: ${trial}/${opts.trials} trials, ${o.failures.length} failures, ${o.acknowledged} acknowledged, ${o.lost} lost (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    // What was killed mid-way must still complete: a last uninterrupted re-embed leaves nothing pending.
    if (name === "reembed" || name.startsWith("index update")) {
      const r = await run(opts.bin, state.home, ["models", "reembed", "--json"]);
      const remaining = r.exitCode === 0 ? (JSON.parse(r.stdout) as { remaining: number }).remaining : -1;
      if (remaining !== 0) ledger.fail(row, `final re-embed: exit ${r.exitCode}, remaining ${remaining}: ${firstLine(r.stderr)}`);
      // It ends by writing the index file: there now, whole, over whatever the killed writers left.
      if (!existsSync(indexPath(state.home.dir, INDEX_MODEL, INDEX_DIMS))) ledger.fail(row, "final re-embed: no vector index file");
      vectorCheck(state, ledger, row, opts.trials);
    }
  }
}
