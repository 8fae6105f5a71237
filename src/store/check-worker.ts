/**
 * @module The integrity check's thread (started by integrity-check.ts, bundled as its own entry point by
 * scripts/build.ts): `PRAGMA quick_check` on a read-only connection of its own, its verdict posted back. It
 * reads the whole file (8–28 s at 1M memories), which on the store's own thread held up every request of a
 * long-lived process meanwhile.
 */
import { type CheckReply, type CheckRequest, quickCheck } from "./integrity-check.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<CheckRequest>) => {
  postMessage({ verdict: quickCheck(event.data.path) } satisfies CheckReply);
};
