/**
 * @module The hook side of the warm path: hand the event to the daemon over its Unix socket and wait for
 * the reply, never past the deadlines given. No daemon reachable reports "absent"; one that was reached
 * but missed a deadline (stopped, hung, swamped) reports "timeout". Either way the caller runs the event
 * itself (cold).
 */
import type { WarmReply, WarmRequest } from "./protocol.ts";

export type WarmOutcome =
  /** The daemon handled the event; `out` is the exact stdout. */
  | { kind: "served"; out: string }
  /** No daemon answered (none running, stale socket, other build): run cold. */
  | { kind: "absent"; reason: string }
  /** A daemon is there but missed a deadline: run cold, and replace it. */
  | { kind: "timeout"; phase: "connect" | "send" | "reply"; afterMs: number };

/** Each counted from the call: connected by `connectMs`, request handed over by `sentMs`, reply read by `replyMs`. */
export interface WarmDeadlines {
  connectMs: number;
  sentMs: number;
  replyMs: number;
}

interface Conn {
  write(data: Uint8Array): number;
  end(): void;
  terminate?(): void;
}

export async function askWarm(socket: string, request: WarmRequest, deadlines: WarmDeadlines | number): Promise<WarmOutcome> {
  const d = typeof deadlines === "number" ? { connectMs: deadlines, sentMs: deadlines, replyMs: deadlines } : deadlines;
  const payload = new TextEncoder().encode(`${JSON.stringify(request)}\n`);
  const began = performance.now();
  const reply = new LineReader();
  let phase: "connect" | "send" | "reply" = "connect";
  let conn: Conn | null = null;
  return new Promise<WarmOutcome>((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (o: WarmOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A daemon that missed its deadline may never read again: drop the connection rather than wait on it.
      if (o.kind === "timeout" && conn) {
        if (conn.terminate) conn.terminate();
        else conn.end();
      }
      resolve(o);
    };
    /** Arms the timer for the current phase's deadline. */
    const arm = () => {
      clearTimeout(timer);
      const until = phase === "connect" ? d.connectMs : phase === "send" ? d.sentMs : d.replyMs;
      timer = setTimeout(() => settle({ kind: "timeout", phase, afterMs: Math.round(performance.now() - began) }), Math.max(0, until - (performance.now() - began)));
    };
    const sent = () => {
      phase = "reply";
      arm();
    };
    const finish = () => {
      const line = reply.line();
      if (line === null || line === "") return settle({ kind: "absent", reason: "connection closed without a reply" });
      try {
        const r = JSON.parse(line) as WarmReply;
        if ("out" in r && typeof r.out === "string") return settle({ kind: "served", out: r.out });
        return settle({ kind: "absent", reason: "daemon is another build" });
      } catch {
        return settle({ kind: "absent", reason: "unreadable reply" });
      }
    };
    arm();
    Bun.connect({
      unix: socket,
      socket: {
        open(s) {
          conn = s;
          phase = "send";
          arm();
          if (writeAll(s, payload)) sent();
        },
        drain(s) {
          if (phase === "send" && writeAll(s)) sent();
        },
        data(s, chunk) {
          if (reply.push(chunk)) {
            finish();
            s.end();
          }
        },
        close: () => {
          if (reply.line() !== null) finish();
          else settle({ kind: "absent", reason: "connection closed without a reply" });
        },
        error: (_s, err) => settle({ kind: "absent", reason: err.message }),
        connectError: (_s, err) => settle({ kind: "absent", reason: err.message }),
      },
    }).catch((err: Error) => settle({ kind: "absent", reason: err.message }));
  });
}

/** True when something accepts connections on `socket` (a live daemon); nothing is sent. */
export async function isServing(socket: string): Promise<boolean> {
  try {
    const s = await Bun.connect({ unix: socket, socket: { data() {} } });
    s.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Bytes up to the first newline, gathered in linear time: chunks are kept as they come, only each new
 * chunk is searched, and they are joined and decoded once (so a UTF-8 character split between two
 * chunks stays whole).
 */
export class LineReader {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;
  #text: string | null = null;

  /** Adds a chunk; true once the line is complete (anything after its newline is ignored). */
  push(chunk: Uint8Array): boolean {
    if (this.#text !== null) return true;
    const nl = chunk.indexOf(10);
    if (nl < 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      return false;
    }
    this.#chunks.push(chunk.subarray(0, nl));
    this.#size += nl;
    this.#text = Buffer.concat(this.#chunks, this.#size).toString("utf8");
    this.#chunks.length = 0;
    return true;
  }

  /** Bytes gathered so far (the line's, once complete). */
  get size(): number {
    return this.#size;
  }

  /** The line without its newline, or null while incomplete. */
  line(): string | null {
    return this.#text;
  }
}

/** Bytes the kernel did not take yet, per socket; `drain` writes the rest. */
const pending = new WeakMap<object, Uint8Array>();

/**
 * Writes `data` (after anything still pending) without losing what a full socket buffer refuses; call it
 * with no data on `drain`. What is left is kept as a view, never copied, so a large request costs one
 * pass however many drains it takes. True once nothing is pending.
 */
export function writeAll(s: { write(data: Uint8Array): number }, data?: Uint8Array | string): boolean {
  const add = data === undefined || data === "" ? null : typeof data === "string" ? new TextEncoder().encode(data) : data;
  const before = pending.get(s);
  const buf = before && add ? concat(before, add) : (before ?? add);
  if (!buf || buf.length === 0) return true;
  const n = s.write(buf);
  if (n >= buf.length) {
    pending.delete(s);
    return true;
  }
  pending.set(s, buf.subarray(Math.max(n, 0)));
  return false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
