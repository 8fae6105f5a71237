/**
 * @module The dense channel: cosine similarity between the query's embedding and stored memory vectors of
 * the active model only (never across models or widths). Before each search it embeds a small backlog of
 * memories still lacking vectors (a larger one is the background worker's) and catches up with vectors other
 * processes wrote; if coverage is still partial, it reports exactly how much is missing. Large indexes are ranked through the
 * int8 top-k kernel (same results as exact scoring; see vector-rank.ts).
 */
import type { Embedder } from "../embed/port.ts";
import { embedPending } from "./embed-pending.ts";
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import type { Store } from "../store/store.ts";
import type { ProjectScope } from "../store/filter-sql.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import { passStandouts } from "./dense-bar.ts";
import { mainScript } from "../text/script.ts";
import type { Memory } from "../domain/memory.ts";
import type { TopKKernel } from "../embed/vector-kernel.ts";
import { VectorIndex } from "./vector-index.ts";
import { FileIndex } from "./file-index.ts";
import { VectorScan } from "./vector-scan.ts";
import { indexPath } from "../store/vector-file.ts";
import { STALE_AFTER } from "./index-build.ts";
import { IVF_FROM } from "./ivf.ts";

export { topIndices } from "./vector-rank.ts";

/** Fewest vectors for which a process that had to load them all asks for an index file. */
const ASK_FILE_FROM = 2000;
/**
 * With no usable index file, from this many vectors a search scans them in the database (vector-scan.ts) and
 * asks for the file, rather than loading them all: a one-shot process from 20k (it searches once: loading
 * only adds to the scan's work and memory), a long-lived one from 100k (loaded, 100k USE-lite vectors hold
 * ~250 MB; at 1M it was 8 GB) unless the store is encrypted (a scan decrypts every vector: until its sealed
 * file is written, loading them once is cheaper).
 */
const SCAN_FROM_ONE_SHOT = 20_000;
const SCAN_FROM_LONG_LIVED = 100_000;

/** Memories a long-lived process embeds after a write, newest first (see DenseChannel.schedule). */
const EMBED_AFTER_WRITE = 32;

export interface DenseChannelOptions {
  store: Store;
  /** Opens the active model; called once, on first use (loading a model costs tens of milliseconds). */
  open: () => Promise<Embedder>;
  /**
   * The active model's id, known before it loads: while the store holds no vector of it and the backlog is
   * empty or larger than `catchUpLimit`, a search finds nothing whatever the query, so it returns at once
   * without loading the model (a one-shot recall right after a large import: 0.3–0.6 s saved; keyword
   * recall answers and `unsearched()` says how many memories wait for vectors).
   */
  model?: string;
  /**
   * Throws MODEL_UNAVAILABLE when `model` cannot be loaded at all, asked when a search would skip loading it (no
   * vector of it, a backlog left to the background): a misnamed or missing model then went unsaid, recall
   * answering "No matching memories" (QA). Without it, such a search returns nothing.
   */
  loadable?: () => void;
  /**
   * A backlog of at most this many memories (default 256) is embedded before the search; a larger one is
   * left to the background (see `onBacklog`) and reported exactly by {@link DenseChannel.unsearched},
   * instead of a query paying for part of it. The CLI and MCP server keep it small (see cli/retrieval.ts).
   */
  catchUpLimit?: number;
  /** The searcher is a one-shot command, or answers for one (embed/port.ts EmbedOptions.oneShot). */
  oneShot?: boolean;
  /** Called with the backlog's size when one is left for the background (e.g. to start the worker). */
  onBacklog?: (pending: number) => void;
  /** Time budget for that catch-up in ms (default 2000). */
  catchUpMs?: number;
  /**
   * Opens the top-k kernel (default: onnxruntime's, in src/embed/vector-topk.ts); null scores in JS only.
   * It is opened on a process's second search, so a one-shot `cairn recall` never pays for it.
   */
  kernel?: (() => Promise<TopKKernel>) | null;
  /** Fewest vectors worth the kernel (default 2000): below it JS scoring takes under ~0.5 ms anyway. */
  kernelFrom?: number;
  /**
   * The data directory holding the vector index file (store/vector-file.ts): when set, searches map it
   * instead of loading every vector, and catch up with what changed since it was written.
   */
  indexDir?: string;
  /** Called (at most once a minute) when the index file is missing, unusable or far behind: someone with time should rebuild it. */
  onStaleIndex?: () => void;
}

async function openDefaultKernel(): Promise<TopKKernel> {
  const { openTopKKernel } = await import("../embed/vector-topk.ts");
  return openTopKKernel();
}

export class DenseChannel implements RetrievalChannel {
  readonly name = "dense";
  readonly #opts: DenseChannelOptions;
  #embedder: Promise<Embedder> | undefined;
  #index: VectorIndex | undefined;
  /** The index file, preferred over #index while it is usable. */
  #fileIndex: FileIndex | null = null;
  /** Without a usable file, in a store too large to load: the database scanned for each query. */
  #scan: VectorScan | null = null;
  #staleAskedAt = Number.NEGATIVE_INFINITY;
  /** The loaded matrix's size when moving to the IVF file was last tried (#toLists). */
  #listsTriedAt = 0;
  #syncs = 0;
  /** Set when the file failed a checksum: this process loads from the database from then on. */
  #indexOff = false;
  #background: Promise<unknown> = Promise.resolve();
  /** The database's change token when the index was last brought up to date. */
  #seen = "";
  /** Memories still lacking a vector after the last catch-up. */
  #remaining = 0;
  #kernel: Promise<TopKKernel | null> | undefined;
  #searches = 0;
  /** The model and width the last search ranked with (what {@link DenseChannel.vectorsOf} reads). */
  #searched: { model: string; dims: number } | undefined;
  /** Searches run one at a time: each reads the index across awaits, and another's sync would move it. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: DenseChannelOptions) {
    this.#opts = opts;
  }

  /** The loaded model (rejects with MODEL_UNAVAILABLE when it cannot load; the failure is remembered). */
  embedder(): Promise<Embedder> {
    this.#embedder ??= this.#opts.open();
    return this.#embedder;
  }

  /** Memories without a vector of the active model at the last search (keyword recall still finds them). */
  unsearched(): number {
    return this.#remaining;
  }

  vectorsOf(ids: readonly string[]): ReadonlyMap<string, Float32Array> {
    const searched = this.#searched;
    return searched ? this.#opts.store.vectors.ofMemories(searched.model, searched.dims, ids) : new Map();
  }

  /**
   * Embeds new memories soon, off the caller's path (long-lived processes call this after writes): the newest
   * few, what was just written. A backlog (an import with --no-embed, a model switch) is the background
   * worker's: 1,024 of it embedded here after each write held the next search for ~2 s (QA, 100k store).
   */
  schedule(): void {
    this.#background = this.#background
      .then(async () => embedPending(this.#opts.store, await this.embedder(), { max: EMBED_AFTER_WRITE }))
      .catch(() => undefined); // a broken model is reported by recall and doctor, not by a write
  }

  search(query: ChannelQuery): Promise<ChannelHit[]> {
    const run = this.#queue.then(() => this.#search(query));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #search(query: ChannelQuery): Promise<ChannelHit[]> {
    const { store } = this.#opts;
    if (this.#cannotHelp()) return [];
    const embedder = await this.embedder();
    await this.#background;
    // Catching up costs a count (~0.01 ms) and a key comparison (~1.5 ms at 10k); skip it when nothing was
    // written since the last search and nothing was left pending. The token covers other processes' writes.
    // An IVF index file counts as in step too (a flat one is not: the next sync moves it to the loaded matrix);
    // without it, every search over an index file counted the pending memories again (37 ms at 1M).
    const synced = this.#index !== undefined || (this.#fileIndex !== null && this.#fileIndex.lists > 1);
    const fresh = store.vectors.changeToken() === this.#seen && this.#remaining === 0 && synced;
    if (!fresh) {
      const missing = store.vectors.pendingCount(embedder.model);
      const limit = this.#opts.catchUpLimit ?? 256;
      // A store that refuses writes (read-only, full disk) cannot keep vectors: search the ones it has.
      const writable = missing > 0 && store.writeRefusal() === null;
      if (writable && missing <= limit) {
        const opts = { max: limit, deadline: performance.now() + (this.#opts.catchUpMs ?? 2000) };
        this.#remaining = (await embedPending(store, embedder, opts)).remaining;
      } else this.#remaining = missing;
      if (writable && this.#remaining > 0) this.#opts.onBacklog?.(this.#remaining);
      // The token is read before the sync: a commit landing in between is seen by this sync or makes the
      // next search sync once more. Read after it, such a commit went unseen until the next write.
      this.#seen = store.vectors.changeToken();
      this.#scan = null;
      if (!this.#syncFile(embedder.model, embedder.dims)) {
        if (this.#scanWanted(embedder.model)) {
          this.#index = undefined;
          this.#scan = new VectorScan(store.vectors, embedder.model, embedder.dims);
          this.#askRebuild();
        } else {
          if (!this.#index || this.#index.model !== embedder.model || this.#index.dims !== embedder.dims) {
            this.#index = new VectorIndex(embedder.model, embedder.dims);
          }
          this.#index.sync(store.vectors);
          // Small stores load in a few ms: a file is worth asking for only past that (and not from every
          // one-shot recall of an empty store).
          if (this.#syncs === 1 && this.#index.size >= ASK_FILE_FROM) this.#askRebuild();
        }
      }
    }
    // Even with nothing written since: a rebuild (`models reindex`, `doctor --repair`) changes no vector.
    if (this.#fileIndex?.replaced()) this.#takeNewer();
    const index = this.#fileIndex ?? this.#scan ?? this.#index!;
    if (index.size === 0) return [];
    const kernel = index instanceof VectorIndex ? await this.#kernelFor(index.size) : undefined;
    // The file and the loaded matrix leave other projects' rows out by a project code for each (file-index.ts,
    // vector-index.ts): a search in one project of eight ranked every row, then threw most of them away.
    const scope = index instanceof VectorScan ? undefined : this.#opts.store.vectors.projectScope(query.filter);
    const [q] = await embedder.embed([query.text], "query", this.#opts.oneShot ? { oneShot: true } : {});
    this.#searched = { model: embedder.model, dims: embedder.dims };
    // Every candidate is kept for ranking (fusion normalises within the list; cutting at the model's bar
    // cost 2 points R@5 on LoCoMo), but ones below the bar are marked weak: recall drops a memory that only
    // weak dense matches support, so a query that matches nothing still gets nothing — unless one of the best
    // stands out from the query's other candidates (dense-bar.ts).
    const bar = embedder.minScore ?? 0;
    // A model of English words relates nothing outside the Latin script: not across scripts, not a query with no
    // letters ("(((", "🚀"), and not two texts of another script, which it maps to nearly one vector (QA: a Chinese
    // query returned Korean and Japanese memories at cosine 1.006 on this channel alone).
    const script = embedder.oneScript ? mainScript(query.text) : undefined;
    const foreign = (m: Memory) => script !== undefined && (script !== "latin" || mainScript(m.content) !== "latin");
    const hits: ChannelHit[] = [];
    const { limit } = query;
    let asked = limit * 2;
    let ranking = await this.#rank(q!, asked, kernel, scope);
    let at = 0;
    let seen = 0;
    let passed = 0;
    while (hits.length < limit) {
      if (at >= ranking.rows.length) {
        if (ranking.complete) break;
        // Filters rejected most of the best rows: rank deeper (the prefix read so far stays the same). Four
        // times what was asked, not what came back: a ranking that left rows out of its scope returns fewer.
        asked = Math.max(asked * 4, ranking.rows.length * 4, 64);
        ranking = await this.#rank(q!, asked, kernel, scope);
        continue;
      }
      // Load only as many rows as should fill the list at the pass rate seen so far: each costs ~4 µs, and
      // reading 200 to keep 50 was a tenth of a hybrid recall.
      const rate = seen === 0 ? 1 : Math.max(passed / seen, 1 / 64);
      const take = Math.min(ranking.rows.length - at, Math.ceil(((limit - hits.length) / rate) * 1.25) + 8);
      const seqs = ranking.rows.slice(at, at + take).map((r) => ranking.seqs[r]!);
      const found = store.vectors.memoriesBySeq(seqs, query.filter, query.now);
      seen += take;
      passed += found.size;
      for (let i = 0; i < take && hits.length < limit; i++) {
        const memory = found.get(seqs[i]!);
        const score = ranking.scores[at + i]!;
        if (memory) hits.push({ memory, score, ...(foreign(memory) ? { weak: true, otherScript: true } : score < bar ? { weak: true } : {}) });
      }
      at += take;
    }
    passStandouts(hits);
    return hits;
  }

  /** True (and the backlog noted) when no vector of the configured model exists and none would be made now. */
  #cannotHelp(): boolean {
    const { model, store } = this.#opts;
    if (model === undefined || this.#embedder !== undefined || store.vectors.hasAny(model)) return false;
    const missing = store.vectors.pendingCount(model);
    if (missing > 0 && missing <= (this.#opts.catchUpLimit ?? 256)) return false; // embedded before this search
    this.#opts.loadable?.();
    this.#remaining = missing;
    if (missing > 0 && store.writeRefusal() === null) this.#opts.onBacklog?.(missing);
    return true;
  }

  /**
   * Brings the index file up to date (opening it first); false when there is none to use, so the
   * caller loads every vector instead. Asks for a rebuild when the file is missing, unusable or far behind.
   */
  #syncFile(model: string, dims: number): boolean {
    const dir = this.#opts.indexDir;
    if (dir === undefined || this.#indexOff) return false;
    // From its second search on, a long-lived process ranks a flat (small) store faster from the loaded
    // matrix and the int8 kernel, exactly; the file serves cold starts, and large stores through IVF lists
    // (a loaded matrix of 1M vectors would take 2.5 GB).
    const later = this.#syncs++ >= 1;
    if (later && this.#index !== undefined) return this.#toLists(dir, model, dims); // ranking from the loaded matrix
    if (later && this.#fileIndex?.lists === 1) {
      this.#dropFile();
      return false;
    }
    const vectors = this.#opts.store.vectors;
    if (this.#fileIndex && (this.#fileIndex.model !== model || this.#fileIndex.dims !== dims || !this.#fileIndex.catchUp(vectors))) this.#dropFile();
    this.#fileIndex ??= FileIndex.open(indexPath(dir, model, dims), vectors, model, dims);
    if (this.#fileIndex) this.#index = undefined; // the loaded matrix is no longer needed
    if (this.#fileIndex && this.#fileIndex.behind > STALE_AFTER) this.#askRebuild();
    return this.#fileIndex !== null;
  }

  /**
   * Whether a long-lived process ranking from its loaded matrix moves to the IVF index file: once the store
   * has grown past {@link IVF_FROM} (an import of 20k into a server started at 10k) and such a file is there,
   * as a new process would use it (QA: the old server's hybrid recall cost 2.3 times a new one's, for good).
   * Tried again only after another tenth of growth, so a store without the file does not open it each search.
   */
  #toLists(dir: string, model: string, dims: number): boolean {
    const size = this.#index!.size;
    if (size < IVF_FROM || size < this.#listsTriedAt * 1.1) return false;
    this.#listsTriedAt = size;
    const file = FileIndex.open(indexPath(dir, model, dims), this.#opts.store.vectors, model, dims);
    if (file === null || file.lists <= 1) {
      file?.close();
      return false;
    }
    this.#fileIndex = file;
    this.#index = undefined;
    return true;
  }

  /** Whether to scan the database rather than load it, there being no usable index file (see SCAN_FROM_ONE_SHOT). */
  #scanWanted(model: string): boolean {
    const vectors = this.#opts.store.vectors;
    if (this.#index?.model === model) return false; // loaded already: kept up to date cheaply
    if (this.#opts.oneShot) return vectors.count(model) >= SCAN_FROM_ONE_SHOT;
    return !vectors.sealed && vectors.count(model) >= SCAN_FROM_LONG_LIVED;
  }

  /**
   * A long-lived process keeps its file while it can catch it up. A refresh that publishes a newer file prunes
   * the change log past it, so the next catch-up fails and the newer file is opened; a rebuild with nothing
   * changed since (`models reindex`, `doctor --repair`) prunes nothing, and the replaced file stayed open until
   * the process ended, its disk space taken (a cairn mcp or hook daemon runs for days). The file at the path
   * takes its place when it opens and catches up; otherwise the open one stays. Asked at each search: two stats.
   */
  #takeNewer(): void {
    const { model, dims } = this.#fileIndex!;
    const newer = FileIndex.open(indexPath(this.#opts.indexDir!, model, dims), this.#opts.store.vectors, model, dims);
    if (newer === null) return;
    this.#dropFile();
    this.#fileIndex = newer;
  }

  /** Stops using the index file (closing it). */
  #dropFile(): void {
    this.#fileIndex?.close();
    this.#fileIndex = null;
  }

  #askRebuild(): void {
    const now = performance.now();
    if (!this.#opts.onStaleIndex || now - this.#staleAskedAt < 60_000) return;
    this.#staleAskedAt = now;
    try {
      this.#opts.onStaleIndex();
    } catch (err) {
      log.debug(`could not ask for a vector index rebuild: ${describeError(err)}`);
    }
  }

  /** Ranks through the kernel; if it fails at run time, drops it for good and ranks in JS (same result). */
  async #rank(q: Float32Array, want: number, kernel: TopKKernel | undefined, scope?: ProjectScope) {
    const index = this.#fileIndex ?? this.#scan ?? this.#index!;
    if (index instanceof VectorScan) return index.rank(q, want);
    if (index instanceof FileIndex) {
      try {
        return index.rank(q, want, scope);
      } catch (err) {
        // A list failed its checksum: never trust the file again in this process; load from the database.
        // The file goes too (if still the one at its path): a refresh checks headers only and would keep it.
        log.debug(`vector index file unusable, loading vectors from the database: ${describeError(err)}`);
        index.discard();
        this.#dropFile();
        this.#indexOff = true;
        this.#askRebuild();
        const { model, dims } = index;
        this.#index = new VectorIndex(model, dims);
        this.#index.sync(this.#opts.store.vectors);
        return this.#index.rank(q, want, undefined, scope);
      }
    }
    if (!kernel) return index.rank(q, want, undefined, scope);
    try {
      return await index.rank(q, want, kernel, scope);
    } catch (err) {
      log.debug(`vector top-k kernel failed, scoring in JS from now on: ${describeError(err)}`);
      this.#kernel = Promise.resolve(null);
      return index.rank(q, want, undefined, scope);
    }
  }

  /** The kernel when it pays: a large index, from the second search on; null if it failed to open. */
  async #kernelFor(size: number): Promise<TopKKernel | undefined> {
    this.#searches++;
    const open = this.#opts.kernel === undefined ? openDefaultKernel : this.#opts.kernel;
    if (!open || size < (this.#opts.kernelFrom ?? 2000) || this.#searches < 2) return undefined;
    this.#kernel ??= open().then(
      (kernel) => {
        log.debug(`vector top-k kernel ready for ${size} vectors`);
        return kernel;
      },
      (err) => {
        // Only speed is lost: exact JS scoring gives the same ranking.
        log.debug(`vector top-k kernel unavailable, scoring in JS: ${describeError(err)}`);
        return null;
      },
    );
    return (await this.#kernel) ?? undefined;
  }

  async dispose(): Promise<void> {
    await this.#background;
    await this.#queue;
    this.#dropFile();
    const e = this.#embedder;
    this.#embedder = undefined;
    if (e) await e.then((m) => m.dispose()).catch(() => undefined);
    const k = this.#kernel;
    this.#kernel = undefined;
    if (k) await k.then((m) => m?.dispose()).catch(() => undefined);
  }
}
