/**
 * @module The hook side of the warm path: hand the event to the daemon over its Unix socket and wait for
 * the reply. Any failure to reach a daemon reports "absent" so the caller runs the event itself (cold).
 */
import type { WarmReply, WarmRequest } from "./protocol.ts";

export type WarmOutcome =
  /** The daemon handled the event; `out` is the exact stdout. */
  | { kind: "served"; out: string }
  /** No daemon answered (none running, stale socket, other build): run cold. */
  | { kind: "absent"; reason: string }
  /** A daemon took the event but did not answer in time: it may still be working, so do not run it twice. */
  | { kind: "timeout" };

export async function askWarm(socket: string, request: WarmRequest, timeoutMs: number): Promise<WarmOutcome> {
  const payload = `${JSON.stringify(request)}\n`;
  let received = "";
  let sent = false;
  return new Promise<WarmOutcome>((resolve) => {
    let settled = false;
    const settle = (o: WarmOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => settle(sent ? { kind: "timeout" } : { kind: "absent", reason: "connect timed out" }), timeoutMs);
    const finish = () => {
      const line = received.split("\n", 1)[0] ?? "";
      if (line === "") return settle({ kind: "absent", reason: "connection closed without a reply" });
      try {
        const reply = JSON.parse(line) as WarmReply;
        if ("out" in reply && typeof reply.out === "string") return settle({ kind: "served", out: reply.out });
        return settle({ kind: "absent", reason: "daemon is another build" });
      } catch {
        return settle({ kind: "absent", reason: "unreadable reply" });
      }
    };
    Bun.connect({
      unix: socket,
      socket: {
        open(s) {
          writeAll(s, payload);
          sent = true;
        },
        drain(s) {
          writeAll(s, "");
        },
        data(s, chunk) {
          received += chunk.toString();
          if (received.includes("\n")) {
            finish();
            s.end();
          }
        },
        close: finish,
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

/** Bytes the kernel did not take yet, per socket; `drain` writes the rest. */
const pending = new WeakMap<object, Uint8Array>();

/** Writes `text` (plus anything still pending) without losing what a full socket buffer refuses. */
export function writeAll(s: { write(data: Uint8Array): number }, text: string): void {
  const before = pending.get(s);
  const add = text === "" ? new Uint8Array(0) : new TextEncoder().encode(text);
  const buf = before ? concat(before, add) : add;
  if (buf.length === 0) return;
  const n = s.write(buf);
  if (n < buf.length) pending.set(s, buf.subarray(Math.max(n, 0)));
  else pending.delete(s);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
