/** @module `cairn models list|add|use|remove|reembed|reindex`: the embedding models and rerankers cairn can use. */
import { stoppedPartWay } from "../../engine/part-way.ts";
import { defineCommand } from "citty";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, readConfigFile, saveConfigFile } from "../../config/load.ts";
import { findModel, listModels, readUserManifest, writeUserManifest } from "../../embed/registry.ts";
import { embedPending } from "../../retrieve/embed-pending.ts";
import { cairnError, describeError } from "../../errors.ts";
import { indexStatus, refreshIndex, withFastAssign, writeIndex } from "../../retrieve/index-build.ts";
import { SqliteStore } from "../../store/sqlite-store.ts";
import { removeModelIndexFiles } from "../../store/vector-file.ts";
import { confirmDamage } from "../../store/integrity-check.ts";
import { refreshKeywordFile } from "../../store/keyword-file-state.ts";
import { jsonFlag, onlyOptions, onlyWords } from "../flags.ts";
import { own } from "../../domain/own.ts";
import { addModelFolder } from "../models-add.ts";
import { output, progress } from "../output.ts";
import { openModelEmbedder } from "../retrieval.ts";
import { loadCliConfig, refuseGoneDatabase, requireStore } from "../session.ts";
import { noteWorkerOutcome, runningWorker, startEmbedWorker, takeWorkerLock } from "../../embed-worker.ts";

export default defineCommand({
  meta: { name: "models", description: "List, add, switch, remove embedding models and rerankers; re-embed memories." },
  args: {
    action: { type: "positional", required: false, description: "list (default) | add <dir> | use <id> | remove <id> | reembed | reindex" },
    target: { type: "positional", required: false, description: "model folder (add) or model id (use, remove)" },
    id: { type: "string", description: "add: the id to register the folder under (default: folder name)" },
    kind: { type: "enum", options: ["embedder", "reranker"], description: "add: override the detected kind" },
    pooling: { type: "enum", options: ["mean", "cls"], description: "add: sentence pooling (default: detected)" },
    "query-prefix": { type: "string", description: "add: text put before queries (e.g. \"query: \")" },
    "document-prefix": { type: "string", description: "add: text put before memories (e.g. \"passage: \")" },
    "max-length": { type: "string", description: "add: maximum tokens per text", valueHint: "n" },
    // citty reads --no-normalize as normalize=false.
    normalize: { type: "boolean", description: "add: --no-normalize keeps vectors unnormalised" },
    "min-score": { type: "string", description: "add: cosine below which dense matches are dropped as noise (default 0)", valueHint: "0..1" },
    wait: { type: "boolean", description: "use: re-embed in the foreground, with progress, instead of in the background" },
    background: { type: "boolean", description: "reembed: run as the data directory's one background worker (what writes start), quietly" },
    ...jsonFlag,
  },
  async run({ args }) {
    const { paths, config } = loadCliConfig();
    const action = args.action ?? "list";
    const target = args.target;
    // Words an action reads (an unknown action is named as such further on).
    const takes = own({ list: 0, reembed: 0, reindex: 0, add: 1, use: 1, remove: 1 }, action);
    if (takes !== undefined) onlyWords("models", action, [target], takes);
    // Options another action reads were taken and dropped (QA: `models list --id x`, `models reindex --wait`).
    if (takes !== undefined) {
      const add = ["add"];
      onlyOptions("models", action, args, { id: add, kind: add, pooling: add, "query-prefix": add, "document-prefix": add, "max-length": add, "min-score": add, wait: ["use"], background: ["reembed"] });
    }
    const need = (what: string) => {
      if (!target) throw cairnError("USAGE", [`Give ${what}: cairn models ${action} <${what}>.`]);
      return target;
    };
    // Listing and re-embedding read the store; they must not create one where a mistyped CAIRN_HOME points.
    if (action === "list" || action === "reembed" || action === "reindex") requireStore(paths);
    else refuseGoneDatabase(paths);
    if (action === "list") return list(paths.dataDir, paths.dbFile, config.values.model, config.values.reranker, Boolean(args.json));
    if (action === "add") {
      const maxLength = args["max-length"] === undefined ? undefined : Number(args["max-length"]);
      if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) throw cairnError("BAD_NUMBER", ["max-length", String(args["max-length"]), ""]);
      const minScore = args["min-score"] === undefined ? undefined : Number(args["min-score"]);
      if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) throw cairnError("USAGE", [`--min-score takes a cosine from 0 to 1, got "${args["min-score"]}".`]);
      const entry = await addModelFolder(paths.dataDir, need("dir"), {
        id: args.id, kind: args.kind, pooling: args.pooling, queryPrefix: args["query-prefix"], documentPrefix: args["document-prefix"],
        maxLength, normalize: args.normalize === false ? false : undefined,
        minScore,
      }, async (entry, dir) => {
        const { openEmbedder, openReranker } = await import("../../embed/open.ts");
        const info = { entry, origin: "user" as const, available: true, dir };
        if (entry.kind === "reranker") {
          const r = await openReranker(info);
          await r.score("probe", ["probe"]).finally(() => r.dispose());
          return undefined;
        }
        const e = await openEmbedder(info);
        await e.dispose();
        return e.dims;
      });
      // Vectors stored under this id may come from other weights; they are never reused.
      withStore(paths.dbFile, (s) => s.vectors.deleteModel(entry.id));
      if (args.json) return output.json({ added: entry });
      return output.text(`Added ${entry.kind} ${entry.id}${entry.dims ? ` (${entry.dims}-d)` : ""}. ${entry.kind === "embedder" ? `Switch to it with \`cairn models use ${entry.id}\`.` : "Recall reranks with it when `reranker` is auto."}`);
    }
    if (action === "use") return use(paths, need("id"), Boolean(args.wait), Boolean(args.json));
    if (action === "remove") {
      const id = need("id");
      const manifest = readUserManifest(paths.dataDir);
      if (!manifest.models.some((m) => m.id === id)) {
        // The same code as `models use` gives a name it does not know (QA: scripts told the two apart).
        if (!findModel(paths.dataDir, id)) throw cairnError("MODEL_NOT_FOUND", [id]);
        throw cairnError("USAGE", [`"${id}" is built into cairn and cannot be removed.`]);
      }
      if (config.values.model === id) throw cairnError("USAGE", [`"${id}" is the active model. Switch first: cairn models use use-lite.`]);
      writeUserManifest(paths.dataDir, { models: manifest.models.filter((m) => m.id !== id) });
      rmSync(join(paths.dataDir, "models", id), { recursive: true, force: true });
      const dropped = withStore(paths.dbFile, (s) => s.vectors.deleteModel(id));
      // Its index file held its vectors too (QA: left behind, and doctor said nothing of it).
      removeModelIndexFiles(paths.dataDir, id);
      return args.json ? output.json({ removed: id, vectors_deleted: dropped }) : output.text(`Removed ${id} and its ${dropped} vectors.`);
    }
    if (action === "reembed" && args.background) return backgroundWorker(paths.dataDir, paths.dbFile, config.values.model);
    if (action === "reembed") return reembed(paths.dataDir, paths.dbFile, target ?? config.values.model, Boolean(args.json));
    if (action === "reindex") return await reindex(paths.dataDir, paths.dbFile, target ?? config.values.model, Boolean(args.json));
    throw cairnError("UNKNOWN_ACTION", ["models", action, "list, add, use, remove, reembed or reindex"]);
  },
});

function withStore<T>(dbFile: string, fn: (s: SqliteStore) => T): T {
  const store = new SqliteStore(dbFile);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function list(dataDir: string, dbFile: string, active: string, reranker: string, json: boolean): void {
  const counts = withStore(dbFile, (s) => s.vectors.models());
  const rows = listModels(dataDir).map((m) => ({
    id: m.entry.id,
    kind: m.entry.kind,
    origin: m.origin,
    available: m.available,
    active: m.entry.kind === "embedder" ? m.entry.id === active : reranker === m.entry.id || (reranker === "auto" && m.available),
    dims: m.entry.dims ?? null,
    vectors: counts.filter((c) => c.model === m.entry.id).reduce((n, c) => n + c.count, 0),
    ...(m.problem ? { problem: m.problem } : {}),
  }));
  if (json) return output.json({ models: rows, model: active, reranker });
  // A built-in model that is not here is one cairn knows how to use once its folder is added (`models add`).
  const state = (r: (typeof rows)[number]) => (r.available ? (r.dims ? `${r.dims}-d` : "ready") : r.origin === "builtin" ? "not installed" : "missing");
  output.text(
    rows
      .map((r) => `${r.active ? "*" : " "} ${r.id.padEnd(24)} ${r.kind.padEnd(8)} ${r.origin.padEnd(7)} ${state(r).padEnd(13)} ${r.kind === "embedder" ? `${r.vectors} vectors` : ""}${r.problem && r.origin === "user" ? `  (${r.problem})` : ""}`.trimEnd())
      .join("\n") + (rows.some((r) => !r.available && r.origin === "builtin") ? "\n\nnot installed: known to cairn, not shipped with it; `cairn models add <folder>` adds one" : ""),
  );
}

async function use(paths: { dataDir: string; dbFile: string; configFile: string }, id: string, wait: boolean, json: boolean): Promise<void> {
  const info = findModel(paths.dataDir, id);
  if (!info) throw cairnError("MODEL_NOT_FOUND", [id]);
  if (!info.available) throw cairnError("MODEL_INVALID", [id, info.problem ?? "its files are missing"]);
  const key = info.entry.kind === "reranker" ? "reranker" : "model";
  const file = readConfigFile(paths.configFile);
  saveConfigFile(paths.configFile, { ...file, [key]: id });
  loadConfig(paths.configFile); // fails loudly if the file is now invalid
  if (key === "reranker") return json ? output.json({ reranker: id }) : output.text(`Recall now reranks with ${id}.`);
  if (wait) return reembed(paths.dataDir, paths.dbFile, id, json);
  const pending = withStore(paths.dbFile, (s) => s.vectors.pendingCount(id));
  // Re-embedding runs detached, so switching is instant; recall meanwhile uses keyword plus whatever
  // already has a vector for the new model, and says so. A worker already running picks the new model up
  // on its next round.
  noteWorkerOutcome(paths.dataDir, false); // another model: a failure of the last one's worker holds none back
  const background = pending > 0 && (startEmbedWorker(paths.dataDir) || runningWorker(paths.dataDir) !== null);
  if (json) return output.json({ model: id, pending, reembedding: background });
  output.text(`Active model: ${id}.${background ? ` Re-embedding ${pending} memories in the background; run \`cairn models reembed\` to follow it.` : ""}`);
}

/**
 * The data directory's background worker (see src/embed-worker.ts): embeds for the active model until
 * nothing is pending, re-reading the config each round so a `models use` meanwhile is followed. Quiet
 * unless something fails (stderr goes to reembed.log).
 */
async function backgroundWorker(dataDir: string, dbFile: string, activeModel: string): Promise<void> {
  let model = activeModel;
  // Below other work: a backlog takes every core, but an agent's own commands come first.
  await yieldPriority();
  // One-shot writers do not check the file; their worker does, off their path, and marks a damaged one so every
  // later command refuses it (store/damage-mark.ts). A large file is left to long-lived processes' own check.
  confirmDamage(dbFile);
  for (let round = 0; round < 8; round++) {
    // Checked before the model loads: a write that only reinforced a memory leaves nothing to do.
    // Writes landing after a round's last batch saw the lock and started no worker; the next round has them.
    const pending = withStore(dbFile, (s) => s.vectors.pendingCount(model));
    if (pending === 0) {
      await refreshIndexQuietly(dataDir, dbFile, model);
      // A write while the index was rewritten found the lock held and started no worker: this one takes it (QA: a
      // memory remembered right after an import was never embedded).
      if (withStore(dbFile, (s) => s.vectors.pendingCount(model)) === 0) return;
      continue;
    }
    const release = takeWorkerLock(dataDir);
    if (!release) return; // another worker is on it
    let embedded = 0;
    try {
      // A backlog (an import, a model switch) gets every core; a few fresh writes are done on one thread
      // before a larger session would even have started.
      let embedder: Awaited<ReturnType<typeof openModelEmbedder>>;
      try {
        embedder = await openModelEmbedder(dataDir, model, { bulk: pending >= BULK_FROM });
        noteWorkerOutcome(dataDir, false);
      } catch (err) {
        noteWorkerOutcome(dataDir, true);
        throw err;
      }
      const store = new SqliteStore(dbFile);
      try {
        embedded = (await embedPending(store, embedder, { oldestFirst: true })).embedded;
      } finally {
        await embedder.dispose();
        store.close();
      }
    } finally {
      release();
    }
    const next = loadCliConfig().config.values.model; // a `models use` meanwhile is followed
    if (embedded === 0 && next === model) return await refreshIndexQuietly(dataDir, dbFile, model); // no progress: texts keep changing under it
    model = next;
  }
}

/** Changes the keyword index file may be behind before the worker writes it again (one-shots re-read ≤ 2,000). */
const KEYWORD_FILE_BEHIND = 1_000;

/** Pending memories from which the worker opens a session on every core. */
const BULK_FROM = 256;

/** Lowers this process's scheduling priority (nice 10); where that is not allowed, runs as it is. */
async function yieldPriority(): Promise<void> {
  try {
    const { setPriority } = await import("node:os");
    setPriority(10);
  } catch {
    // not permitted: the worker runs at normal priority
  }
}

/**
 * The worker's last step: the index file for `model`, and the keyword index file, rewritten if missing or far
 * behind (errors to reembed.log).
 */
async function refreshIndexQuietly(dataDir: string, dbFile: string, model: string): Promise<void> {
  const release = takeWorkerLock(dataDir);
  if (!release) return;
  const store = new SqliteStore(dbFile);
  try {
    for (const m of store.vectors.models()) {
      if (m.model === model) await withFastAssign((assign) => refreshIndex(dataDir, store.vectors, m.model, m.dims, assign));
    }
    // And the keyword index file, for one-shot searches of a store only ever used from the command line.
    await refreshKeywordFile(store, KEYWORD_FILE_BEHIND);
  } catch (err) {
    process.stderr.write(`cairn: could not refresh the vector or keyword index: ${describeError(err)}\n`);
  } finally {
    store.close();
    release();
  }
}

/** `cairn models reindex`: rewrites the active model's index file now, whatever its state. */
async function reindex(dataDir: string, dbFile: string, model: string, json: boolean): Promise<void> {
  const store = new SqliteStore(dbFile);
  const results = [];
  try {
    for (const m of store.vectors.models()) {
      if (m.model !== model) continue;
      const started = performance.now();
      progress(`${m.model}: indexing ${m.count} vectors`);
      let r = await withFastAssign((assign) => writeIndex(dataDir, store.vectors, m.model, m.dims, assign));
      if (!r.written) r = await withFastAssign((assign) => writeIndex(dataDir, store.vectors, m.model, m.dims, assign)); // a purge landed meanwhile
      const status = indexStatus(dataDir, store.vectors, m.model, m.dims);
      results.push({ model: m.model, dims: m.dims, vectors: r.count, lists: r.lists, written: r.written, state: status.state, path: status.path, seconds: Math.round((performance.now() - started) / 100) / 10 });
    }
  } finally {
    store.close();
  }
  if (json) return output.json({ indexes: results });
  if (results.length === 0) return output.text(`No ${model} vectors yet: nothing to index. Run \`cairn models reembed\` first.`);
  output.text(results.map((r) => `${r.model} (${r.dims}-d): ${r.written ? "wrote" : "could not write"} ${r.path} — ${r.vectors} vectors in ${r.lists} list${r.lists === 1 ? "" : "s"}, ${r.state} (${r.seconds} s)`).join("\n"));
}

async function reembed(dataDir: string, dbFile: string, id: string, json: boolean): Promise<void> {
  // In the foreground the user waits for it: every core (so does the background worker for a backlog).
  const embedder = await openModelEmbedder(dataDir, id, { bulk: true });
  const store = new SqliteStore(dbFile);
  const started = performance.now();
  let shown = 0;
  let stored = 0;
  try {
    const result = await embedPending(store, embedder, {
      oldestFirst: true,
      onProgress: ({ done, total }) => {
        stored = done; // each batch's vectors are stored, and stay, before it is counted
        // About one line per second, plus the last one, so a 10k re-embed does not flood the terminal.
        if (done < total && performance.now() - shown < 1000) return;
        shown = performance.now();
        progress(`${id}: embedded ${done}/${total} (${Math.round(done / ((shown - started) / 1000))}/s)`);
      },
    });
    for (const m of store.vectors.models()) if (m.model === id) await withFastAssign((assign) => refreshIndex(dataDir, store.vectors, m.model, m.dims, assign));
    const seconds = (performance.now() - started) / 1000;
    if (json) return output.json({ model: id, embedded: result.embedded, remaining: result.remaining, seconds: Math.round(seconds * 10) / 10 });
    output.text(`${id}: embedded ${result.embedded} memories in ${seconds.toFixed(1)} s; ${result.remaining} left.`);
  } catch (err) {
    throw stoppedPartWay(err, "models reembed", stored > 0 ? `${stored} memories embedded, their ${id} vectors stored` : null);
  } finally {
    await embedder.dispose();
    store.close();
  }
}
