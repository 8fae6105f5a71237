/**
 * @module The warm daemon answering a one-shot `cairn recall` whole: the command sends what it would ask its
 * own engine (the input it built from its flags and configuration, its project and cwd, its model) and gets
 * back what it would print (cli/recall-output.ts), computed here by the same engine code over the daemon's
 * open database, with the model loaded and the vector index open. A cold recall process then costs its
 * start and a socket round trip instead of opening the database, the index and the model
 * (cli/warm-recall.ts is the client). The dense channel is the CLI's own (cli/retrieval.ts oneShotDense:
 * same catch-up, backlog and index options), one per model, sharing the daemon's model sessions.
 */
import { existsSync } from "node:fs";
import type { Paths } from "../../config/paths.ts";
import { projectKeyOfDirectory } from "../../config/project.ts";
import { Engine } from "../../engine/engine.ts";
import type { RecallInput } from "../../engine/recall.ts";
import { describeError } from "../../errors.ts";
import type { DenseChannel } from "../../retrieve/dense-channel.ts";
import type { SqliteStore } from "../../store/sqlite-store.ts";
import { oneShotDense } from "../../cli/retrieval.ts";
import { renderRecall, type RecallView, type RenderedRecall } from "../../cli/recall-output.ts";
import { recallRecorder } from "../../cli/session.ts";
import type { DaemonModels } from "./daemon-models.ts";

export interface RecallRequest {
  /** What the command would pass to engine.recall (limits, mode and budget already resolved from its config). */
  input: RecallInput;
  /** The command's project key (its cwd's) and cwd (relative `--project` directories resolve against it). */
  project: string;
  cwd: string;
  actor: string;
  /** The embedding model its configuration names. */
  model: string;
  view: RecallView;
}

export type RecallReply = { rendered: RenderedRecall } | { error: string };

export class RecallService {
  readonly #paths: Paths;
  readonly #store: () => SqliteStore;
  readonly #models: DaemonModels;
  readonly #dense = new Map<string, DenseChannel>();

  constructor(paths: Paths, store: () => SqliteStore, models: DaemonModels) {
    this.#paths = paths;
    this.#store = store;
    this.#models = models;
  }

  async handle(req: RecallRequest): Promise<RecallReply> {
    const ok = typeof req?.input?.query === "string" && typeof req.project === "string" && typeof req.cwd === "string" && typeof req.actor === "string" && typeof req.model === "string" && typeof req.view === "object";
    if (!ok) return { error: "malformed recall request" };
    // No database yet: the command reports that itself (opening one here would create it).
    if (!existsSync(this.#paths.dbFile)) return { error: "no database" };
    try {
      const store = this.#store();
      const engine = new Engine({
        store,
        project: req.project,
        locateProject: (ref) => projectKeyOfDirectory(ref, req.cwd),
        actor: req.actor,
        channels: { dense: this.#channel(store, req.model) },
        onRecall: recallRecorder(this.#paths.dataDir, "cli"),
      });
      const result = await engine.recall(req.input);
      return { rendered: renderRecall(result, req.view, (ids) => engine.shortIds(ids)) };
    } catch (err) {
      // The command asks its own engine instead, which reports the error as it always does.
      return { error: describeError(err) };
    }
  }

  #channel(store: SqliteStore, model: string): DenseChannel {
    let dense = this.#dense.get(model);
    if (!dense) this.#dense.set(model, (dense = oneShotDense(store, this.#paths.dataDir, model, () => this.#models.open(model), true)));
    return dense;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.#dense.values()].map((d) => d.dispose()));
    this.#dense.clear();
  }
}
