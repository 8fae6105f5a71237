/**
 * @module Which project an MCP session works in: `--project` if given, else the client's first root
 * (asked for after initialisation and again when the client says its roots changed), else the project
 * of the working directory. A tool's own `project` argument wins over all of these.
 */
import { fileURLToPath } from "node:url";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { detectProjectKey } from "../config/project.ts";
import { describeError } from "../errors.ts";
import { log } from "../log.ts";

export type ProjectSource = "flag" | "roots" | "cwd";

/** Roots come from the client; a slow or broken client must not stall tool calls for long. */
const ROOTS_TIMEOUT_MS = 2_000;

export class ProjectScope {
  readonly #fixed: string | Promise<string> | undefined;
  readonly #fallback: string;
  #fromRoots: string | undefined;
  #pending: Promise<void> | undefined;

  /**
   * `fixed`: an explicit project (the `--project` flag; a promise while the store that resolves it opens);
   * `fallback`: the working directory's project.
   */
  constructor(opts: { fixed?: string | Promise<string>; fallback: string }) {
    this.#fixed = opts.fixed;
    this.#fallback = opts.fallback;
  }

  /** The working directory's project: what a call naming its own project is bound to when the default is unusable. */
  get fallback(): string {
    return this.#fallback;
  }

  get source(): ProjectSource {
    if (this.#fixed !== undefined) return "flag";
    return this.#fromRoots !== undefined ? "roots" : "cwd";
  }

  /** The project now, waiting for a roots answer that is on its way so the first call is already right. */
  async current(): Promise<string> {
    if (this.#fixed !== undefined) return this.#fixed;
    if (this.#pending) await this.#pending;
    return this.#fromRoots ?? this.#fallback;
  }

  /** Follows the client's roots once it is initialised, if it offers them and no project was fixed. */
  attach(server: Server): void {
    if (this.#fixed !== undefined) return;
    const previous = server.oninitialized;
    server.oninitialized = () => {
      previous?.();
      if (server.getClientCapabilities()?.roots) this.#refresh(server);
    };
    server.setNotificationHandler(RootsListChangedNotificationSchema, async () => this.#refresh(server));
  }

  #refresh(server: Server): void {
    const request = server
      .listRoots(undefined, { timeout: ROOTS_TIMEOUT_MS })
      .then(({ roots }) => {
        const first = roots.find((r) => r.uri.startsWith("file://"));
        this.#fromRoots = first ? detectProjectKey(fileURLToPath(first.uri)) : undefined;
        log.debug(`project from client roots: ${this.#fromRoots ?? "(none; using the working directory)"}`);
      })
      .catch((err) => log.warn(`could not read the client's roots (${describeError(err)}); using ${this.#fallback}`))
      .finally(() => {
        if (this.#pending === request) this.#pending = undefined;
      });
    this.#pending = request;
  }
}
