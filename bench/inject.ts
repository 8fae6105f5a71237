/**
 * @module Proactive injection on blind sets: the memories of a coding set (bench/data/coding-*.json) are
 * stored, then each labelled user prompt (UserPromptSubmit) and tool event (PreToolUse: a Bash command or
 * an Edit of a file) goes through the real hook handlers, as Claude Code would send it, each as a fresh
 * session. What the hook injects is compared with the labels (bench/data/inject-*.json, written blind):
 * precision and recall over injected memories, and silence where nothing should be injected.
 *
 *   node scripts/bun.mjs run bench/inject.ts [--sets a,b] [--cold] [--json] [--show]
 *
 * Set a may be fitted on; set b is held out. The baseline beside it injects BM25's best 3 memories (project
 * and global) for the prompt, the command, or the edited file's path: what a hook without a bar would do.
 * By default the hooks run as the warm daemon runs them: the memories are embedded and the handlers get a
 * dense channel with the model loaded. `--cold` runs them as a cold hook process does, keyword evidence only.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { resolvePaths } from "../src/config/paths.ts";
import { detectProjectKey } from "../src/config/project.ts";
import { Engine } from "../src/engine/engine.ts";
import { handleEvent } from "../src/hooks/dispatch.ts";
import { parseHookInput } from "../src/hooks/input.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { openModelEmbedder } from "../src/cli/retrieval.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { Bm25Baseline } from "./bm25.ts";

export interface Memory {
  id: string;
  project: string | null;
  kind: string;
  content: string;
  created: string;
}
export interface Labelled {
  /** null: an event outside every project (a folder of its own, no repository), where only global memories apply. */
  project: string | null;
  inject: string[];
  prompt?: string;
  type?: string;
  tool?: string;
  command?: string;
  file_path?: string;
}

export interface InjectTally {
  events: number;
  /** Injected memories that were labelled. */
  tp: number;
  /** Injected memories that were not. */
  fp: number;
  /** Labelled memories not injected. */
  fn: number;
  /** Events labelled empty, and how many of them stayed silent. */
  empty: number;
  silent: number;
}
const tally = (): InjectTally => ({ events: 0, tp: 0, fp: 0, fn: 0, empty: 0, silent: 0 });

/** One inject set: the labelled events and the coding set whose memories they refer to. */
export interface InjectSet {
  name: string;
  labels: string;
  memories: string;
}

/** The coding set beside an inject label file (`inject-x.json` → `coding-x.json`), or `labels.json:memories.json`. */
export function injectSet(spec: string): InjectSet {
  const [labels, memories] = spec.includes(":") ? spec.split(":") : [spec, spec.replace(/inject-([^/]*)$/, "coding-$1")];
  return { name: basename(labels!, ".json"), labels: labels!, memories: memories! };
}

const BM25_INJECT = 3;

/** A set's memories in a fresh store (in time order), one folder per project, and the labelled events. */
export interface OpenedSet {
  labels: { prompts: Labelled[]; tools: Labelled[] };
  memories: Memory[];
  root: string;
  paths: ReturnType<typeof resolvePaths>;
  /** Each project's folder (a git repository); null: a folder outside every project. */
  dirs: Map<string | null, string>;
  store: SqliteStore;
  /** The set's memory ids by the start of their text (what a hook prints). */
  byContent: Map<string, string>;
  /** The set's memory id of each stored memory. */
  setId: Map<string, string>;
  dense: DenseChannel | null;
  dispose(): Promise<void>;
}

export async function openSet(spec: InjectSet, cold: boolean): Promise<OpenedSet> {
  const memories = (JSON.parse(readFileSync(spec.memories, "utf8")) as { memories: Memory[] }).memories;
  const labels = JSON.parse(readFileSync(spec.labels, "utf8")) as { prompts: Labelled[]; tools: Labelled[] };
  const root = mkdtempSync(join(tmpdir(), "cairn-inject-"));
  const home = join(root, "home");
  mkdirSync(home);
  const paths = resolvePaths({ CAIRN_HOME: home });
  const dirs = new Map<string | null, string>([[null, join(root, "elsewhere")]]);
  mkdirSync(dirs.get(null)!);
  for (const p of new Set(memories.map((m) => m.project).filter((p): p is string => p !== null))) {
    const dir = join(root, p);
    mkdirSync(join(dir, ".git"), { recursive: true });
    dirs.set(p, dir);
  }
  let clock = 0;
  const store = new SqliteStore(paths.dbFile);
  const engine = new Engine({ store, project: "bench", actor: "bench", now: () => clock });
  const byContent = new Map<string, string>();
  const setId = new Map<string, string>();
  for (const m of [...memories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created))) {
    clock = Date.parse(m.created);
    const project = m.project === null ? null : detectProjectKey(dirs.get(m.project)!);
    setId.set(engine.remember({ content: m.content, type: m.kind, project, ttlMs: null, source: "bench" }).id, m.id);
    byContent.set(m.content.slice(0, 60), m.id);
  }
  // As the warm daemon: every memory has its vector, and the handlers search them through a loaded model.
  const embedder = cold ? null : await openModelEmbedder(root, "use-lite");
  if (embedder) await embedPending(store, embedder);
  const dense = embedder ? new DenseChannel({ store, open: async () => embedder }) : null;
  const dispose = async () => {
    await dense?.dispose();
    engine.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { labels, memories, root, paths, dirs, store, byContent, setId, dense, dispose };
}

/** Both systems on one set: cairn's hooks and the BM25 baseline, per event kind. */
async function runSet(spec: InjectSet, show: boolean, cold: boolean): Promise<{ cairn: Record<string, InjectTally>; bm25: Record<string, InjectTally> }> {
  const { labels, memories, root, paths, dirs, store, byContent, dense, dispose } = await openSet(spec, cold);
  const out: Record<string, InjectTally> = { prompt: tally(), bash: tally(), edit: tally() };
  const base: Record<string, InjectTally> = { prompt: tally(), bash: tally(), edit: tally() };
  const bm25 = new Bm25Baseline(memories.map((m) => ({ id: m.id, content: m.content, scope: m.project ?? "" })));
  let n = 0;
  const events = [
    ...labels.prompts.map((l) => ({ l, kind: "prompt", event: "prompt", json: { hook_event_name: "UserPromptSubmit", prompt: l.prompt } })),
    ...labels.tools.map((l) => ({
      l,
      kind: l.tool === "Bash" ? "bash" : "edit",
      event: "pre-tool",
      json: {
        hook_event_name: "PreToolUse",
        tool_name: l.tool,
        tool_input: l.tool === "Bash" ? { command: l.command } : { file_path: join(dirs.get(l.project)!, l.file_path ?? ""), old_string: "a", new_string: "b" },
      },
    })),
  ];
  for (const { l, kind, event, json } of events) {
    const cwd = dirs.get(l.project)!;
    const raw = JSON.stringify({ session_id: `bench-${n++}`, cwd, transcript_path: join(root, "t.jsonl"), ...json });
    const input = parseHookInput(event, raw, cwd);
    if (!input) throw new Error(`bench: could not parse ${raw}`);
    const printed = await handleEvent(input, paths, () => store, dense);
    const injected = [...byContent.entries()].filter(([start]) => printed.includes(JSON.stringify(start).slice(1, -1))).map(([, id]) => id);
    const want = new Set(l.inject);
    count(out[kind]!, want, injected);
    count(base[kind]!, want, bm25.search(l.prompt ?? l.command ?? l.file_path ?? "", BM25_INJECT, l.project));
    if (show && (injected.some((id) => !want.has(id)) || l.inject.some((id) => !injected.includes(id)))) {
      process.stderr.write(`${kind} ${l.prompt ?? l.command ?? l.file_path}\n  want ${l.inject.join(",") || "-"}  got ${injected.join(",") || "-"}\n`);
    }
  }
  bm25.close();
  await dispose();
  return { cairn: out, bm25: base };
}

function count(t: InjectTally, want: ReadonlySet<string>, injected: readonly string[]): void {
  t.events++;
  for (const id of injected) want.has(id) ? t.tp++ : t.fp++;
  t.fn += [...want].filter((id) => !injected.includes(id)).length;
  if (want.size === 0) {
    t.empty++;
    if (injected.length === 0) t.silent++;
  }
}

/** Sums a set's event kinds into one tally. */
export function injectTotal(kinds: Record<string, InjectTally>): InjectTally {
  return Object.values(kinds).reduce((a, t) => ({ events: a.events + t.events, tp: a.tp + t.tp, fp: a.fp + t.fp, fn: a.fn + t.fn, empty: a.empty + t.empty, silent: a.silent + t.silent }), tally());
}

/** Runs each set; keyed by the label file's name without `.json`. */
export async function runInject(sets: readonly InjectSet[], opts: { show?: boolean; cold?: boolean } = {}): Promise<Record<string, { cairn: Record<string, InjectTally>; bm25: Record<string, InjectTally> }>> {
  const results: Record<string, { cairn: Record<string, InjectTally>; bm25: Record<string, InjectTally> }> = {};
  for (const set of sets) {
    process.stderr.write(`inject: ${set.name}\n`);
    results[set.name] = await runSet(set, opts.show === true, opts.cold === true);
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { sets: { type: "string", default: "a,b" }, json: { type: "boolean", default: false }, show: { type: "boolean", default: false }, cold: { type: "boolean", default: false } },
  });
  const results = await runInject(values.sets!.split(",").map((n) => injectSet(`bench/data/inject-${n}.json`)), { show: values.show, cold: values.cold });
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else {
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "  -  ");
    const rows = ["set       system event   n    precision  recall  silence (empty events)"];
    for (const [name, systems] of Object.entries(results)) {
      for (const [system, kinds] of Object.entries(systems)) {
        for (const [kind, t] of [...Object.entries(kinds), ["all", injectTotal(kinds)] as const]) {
          rows.push(`${name.padEnd(9)} ${system.padEnd(6)} ${kind.padEnd(7)} ${String(t.events).padEnd(4)} ${f(t.tp / (t.tp + t.fp)).padEnd(10)} ${f(t.tp / (t.tp + t.fn)).padEnd(7)} ${f(t.silent / t.empty)} (${t.empty})`);
        }
      }
    }
    process.stdout.write(`${rows.join("\n")}\n`);
  }
}
