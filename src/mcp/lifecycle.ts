/**
 * @module Ending a `cairn mcp` process cleanly. Triggers: stdin EOF (the client went away; the usual
 * way a session ends), SIGINT, SIGTERM, or a broken stdout. Steps: stop reading, let requests already
 * received finish and their replies go out (so no acknowledged write is lost), close the server, release
 * models and the database, flush stdout, exit. A second signal exits at once.
 */
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import type { LineTransport } from "./stdio.ts";

export interface LifecycleOptions {
  transport: LineTransport;
  /** Closes the MCP session (server.close()). */
  closeServer: () => Promise<void>;
  /** Releases models and closes the database; runs after the last reply. */
  release: () => void | Promise<void>;
  /** Resolves once everything written to stdout has been handed to the OS. */
  flush?: () => Promise<void>;
  /** Where signals come from and where the exit goes; process by default, a fake in tests. */
  proc?: Pick<NodeJS.Process, "on" | "off" | "exit">;
  /** How long to wait for in-flight requests before closing anyway. */
  drainTimeoutMs?: number;
}

export interface Lifecycle {
  /** Starts the shutdown (idempotent) and resolves when it is done. */
  shutdown(reason: string): Promise<void>;
  /** Resolves with the exit code once shut down. */
  readonly done: Promise<number>;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function manageLifecycle(opts: LifecycleOptions): Lifecycle {
  const proc = opts.proc ?? process;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let running: Promise<void> | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      log.warn(`${signal} again: exiting without waiting`);
      proc.exit(SIGNAL_EXIT[signal] ?? 1);
      return;
    }
    void shutdown(signal);
  };
  const onRejection = (reason: unknown) => log.error(`unhandled rejection: ${describeError(reason)}`);

  function shutdown(reason: string): Promise<void> {
    running ??= (async () => {
      log.debug(`shutting down: ${reason}`);
      opts.transport.stopReading();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([
        opts.transport.idle().then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(resolve, opts.drainTimeoutMs ?? 5_000, false))),
      ]);
      clearTimeout(timer);
      if (!drained) log.warn(`closing with ${opts.transport.pendingRequests} request(s) unanswered`);
      await step("close the MCP session", opts.closeServer);
      await step("release models and the database", opts.release);
      if (opts.flush) await step("flush stdout", opts.flush);
      proc.off("SIGINT", onSignal);
      proc.off("SIGTERM", onSignal);
      proc.off("unhandledRejection", onRejection);
      finish(0);
    })();
    return running;
  }

  opts.transport.onend = () => void shutdown("stdin closed");
  proc.on("SIGINT", onSignal);
  proc.on("SIGTERM", onSignal);
  // The SDK catches handler errors; anything that still escapes must not kill a session mid-write.
  proc.on("unhandledRejection", onRejection);
  return { shutdown, done };
}

async function step(what: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn(`could not ${what}: ${describeError(err)}`);
  }
}
