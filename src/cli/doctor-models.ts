/**
 * @module `cairn doctor`'s model checks: the ONNX runtime loads, the active embedding model loads and
 * produces sane vectors, memories have vectors for it, and the reranker (if any) works. A failure says
 * what recall does meanwhile (keyword only) and how to fix it.
 */
import type { LoadedConfig } from "../config/load.ts";
import type { Paths } from "../config/paths.ts";
import { runningWorker } from "../embed-worker.ts";
import { findModel, pickReranker } from "../embed/registry.ts";
import { CairnError, describeError } from "../errors.ts";
import { indexStatus, withFastAssign, writeIndex } from "../retrieve/index-build.ts";
import { dotRow } from "../retrieve/vector-rank.ts";
import type { Store } from "../store/store.ts";
import type { Embedder } from "../embed/port.ts";
import { resolveCacheDir } from "../config/cache-dir.ts";
import { join } from "node:path";
import { asRerankerError, openModelEmbedder } from "./retrieval.ts";

export interface ModelCheck {
  name: string;
  level: "ok" | "warn" | "fail" | "info";
  detail: string;
}

/** A sentence both query paths embed: a one-shot command's (use-lite-query.ts for use-lite) and a long-lived process's. */
const PROBE = "which package manager does this repository use for installs";

/**
 * Whether a one-shot command embeds a query as a long-lived process does (use-lite: its WebAssembly path against
 * onnxruntime; other models have one path). They agree to rounding; a damaged cached copy of either file would
 * make them differ, and recall would rank with wrong vectors without an error.
 */
async function queryPathCheck(embedder: Embedder): Promise<ModelCheck> {
  const [fast] = await embedder.embed([PROBE], "query", { oneShot: true });
  const [full] = await embedder.embed([PROBE], "query");
  const cos = dotRow(full!, 0, full!.length, fast!);
  if (cos >= 0.999) return { name: "query path", level: "ok", detail: `one-shot commands embed queries as long-lived processes do (cosine ${cos.toFixed(6)})` };
  return {
    name: "query path",
    level: "fail",
    detail: `one-shot commands embed queries unlike long-lived processes (cosine ${cos.toFixed(4)}): a cached model file may be damaged. Delete ${join(resolveCacheDir(), "models")} (it is extracted again from the binary) and run \`cairn doctor\` again.`,
  };
}

export async function modelChecks(store: Store, paths: Paths, config: LoadedConfig, repair = false): Promise<ModelCheck[]> {
  const checks: ModelCheck[] = [];
  const id = config.values.model;
  const started = performance.now();
  try {
    const { loadOrt } = await import("../embed/ort.ts");
    const { nativeEnv, TELEMETRY_SWITCH } = await import("../embed/no-telemetry.ts");
    loadOrt();
    const telemetry = nativeEnv(TELEMETRY_SWITCH) === "1" ? "telemetry off" : "telemetry switch not confirmed";
    checks.push({ name: "onnxruntime", level: "ok", detail: `loaded for ${process.platform}-${process.arch}, ${telemetry} (${TELEMETRY_SWITCH}=1 in the native environment)` });
  } catch (err) {
    checks.push({ name: "onnxruntime", level: "fail", detail: `${describeError(err)} Reinstall cairn for this platform.` });
    return checks;
  }
  try {
    const embedder = await openModelEmbedder(paths.dataDir, id);
    try {
      const [v] = await embedder.embed(["cairn doctor checks that the model works"], "document");
      let sum = 0;
      for (const x of v!) sum += x * x;
      if (v!.length !== embedder.dims || !Number.isFinite(sum) || Math.abs(Math.sqrt(sum) - 1) > 1e-3) {
        throw new Error(`it returned a ${v!.length}-d vector of norm ${Math.sqrt(sum).toFixed(3)}, expected ${embedder.dims}-d unit vectors`);
      }
      const ms = Math.round(performance.now() - started);
      checks.push({ name: "model", level: "ok", detail: `${id} (${findModel(paths.dataDir, id)?.origin ?? "?"}, ${embedder.dims}-d) loads and embeds in ${ms} ms` });
      checks.push(await queryPathCheck(embedder));
    } finally {
      await embedder.dispose();
    }
  } catch (err) {
    const fix = id === "use-lite" ? "Reinstall cairn (the built-in model is part of the binary)." : `Fix or re-add it (\`cairn models add <dir>\`), or switch back: \`cairn models use use-lite\`.`;
    // MODEL_UNAVAILABLE already says what recall does meanwhile.
    const meanwhile = err instanceof CairnError && err.code === "MODEL_UNAVAILABLE" ? "" : " Recall runs keyword-only until then.";
    checks.push({ name: "model", level: "fail", detail: `${sentence(describeError(err))}${meanwhile} ${fix}` });
  }
  const recount = store.vectors.recount();
  if (recount.drift.length > 0 || recount.orphans > 0) {
    const orphans = recount.orphans > 0 ? [`${recount.orphans} ${recount.orphans === 1 ? "vector" : "vectors"} of no memory${recount.fixed ? " deleted" : ""}`] : [];
    const what = [...recount.drift.map((d) => `${d.name} ${d.kept} → ${d.actual}`), ...orphans].join(", ");
    checks.push({
      name: "row counts",
      level: recount.fixed ? "warn" : "fail",
      detail: recount.fixed
        ? `the kept counts differed from the tables (${what}): put right. Something wrote the database without cairn's triggers.`
        : `the kept counts differ from the tables (${what}) and the store takes no writes: run \`cairn doctor\` where it can write`,
    });
  }
  const pending = store.vectors.pendingCount(id);
  const worker = pending > 0 ? runningWorker(paths.dataDir) : null;
  checks.push({
    name: "vectors",
    level: pending === 0 ? "ok" : worker !== null ? "info" : "warn",
    detail:
      pending === 0
        ? `every memory has a ${id} vector`
        : worker !== null
          ? `${pending} memories are being embedded in the background (pid ${worker})`
          : `${pending} memories have no ${id} vector yet; run \`cairn models reembed\``,
  });
  const active = store.vectors.models().find((m) => m.model === id);
  if (active) checks.push(await indexCheck(store, paths.dataDir, id, active.dims, repair));
  const others = store.vectors.models().filter((m) => m.model !== id);
  if (others.length > 0) {
    checks.push({ name: "old vectors", level: "info", detail: `${others.map((m) => `${m.count} × ${m.model} (${m.dims}-d)`).join(", ")}; unused, removed with \`cairn models remove <id>\`` });
  }
  const setting = config.values.reranker;
  const info = pickReranker(paths.dataDir, setting);
  if (!info) {
    checks.push(
      setting === "auto" || setting === "none"
        ? { name: "reranker", level: "info", detail: setting === "none" ? "disabled (reranker = none)" : "none installed; recall skips reranking (`cairn models add <cross-encoder dir>` adds one)" }
        : { name: "reranker", level: "fail", detail: `reranker "${setting}" is not installed; recall skips reranking. Run \`cairn models list\` or \`cairn config set reranker auto\`.` },
    );
    return checks;
  }
  try {
    const { openReranker } = await import("../embed/open.ts");
    const r = await openReranker(info);
    await r.score("doctor", ["cairn doctor checks the reranker"]).finally(() => r.dispose());
    checks.push({ name: "reranker", level: "ok", detail: `${info.entry.id} loads and scores` });
  } catch (err) {
    const reworded = asRerankerError(info.entry.id, err);
    const detail = reworded instanceof CairnError ? reworded.message : `${sentence(describeError(err))} Recall skips reranking until then.`;
    checks.push({ name: "reranker", level: "fail", detail });
  }
  return checks;
}

/** The vector index file: present, for this database, every checksum right, not far behind; rebuilt on repair. */
async function indexCheck(store: Store, dataDir: string, id: string, dims: number, repair: boolean): Promise<ModelCheck> {
  let status = indexStatus(dataDir, store.vectors, id, dims);
  let rebuilt = "";
  if (repair && status.state !== "fresh") {
    const before = status.state;
    await withFastAssign((assign) => writeIndex(dataDir, store.vectors, id, dims, assign));
    status = indexStatus(dataDir, store.vectors, id, dims);
    rebuilt = ` (rebuilt: it was ${before})`;
  }
  const what = `${status.path}: ${status.count} vectors in ${status.lists} list${status.lists === 1 ? "" : "s"}`;
  // An encrypted store's file is sealed under its key: every list authenticated instead of CRC-checked.
  const checked = store.vectors.sealed ? "sealed, every list opens under the key" : "checksums ok";
  switch (status.state) {
    case "fresh":
      return { name: "vector index", level: "ok", detail: `${what}, ${checked}, ${status.behind} changes behind (read from the database)${rebuilt}` };
    case "stale":
      return { name: "vector index", level: "info", detail: `${what}, ${checked}, ${status.behind ?? "too many"} changes behind: recall reads them from the database; the background worker or \`cairn models reindex\` rewrites it` };
    case "absent":
      return { name: "vector index", level: "info", detail: `no index file yet: a fresh process reads every vector from the database (loads them, or scans them in a large store); \`cairn models reindex\` (or \`cairn doctor --repair\`) writes it` };
    case "outdated":
      return { name: "vector index", level: "info", detail: `${status.path} was written by a cairn with another file format: it is ignored (recall reads the vectors from the database, slower) until the background worker, \`cairn models reindex\` or \`cairn doctor --repair\` writes it again` };
    default:
      return { name: "vector index", level: "warn", detail: `${status.path} is ${status.state === "foreign" ? "from another database or model" : store.vectors.sealed ? "damaged (or sealed under another key)" : "damaged"}: it is ignored (recall reads the vectors from the database, slower); run \`cairn doctor --repair\` or \`cairn models reindex\`` };
  }
}

/** Ends `text` with a period unless it already ends a sentence, so details can be followed by more. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
