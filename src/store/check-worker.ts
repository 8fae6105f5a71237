/**
 * @module The integrity check's thread (started by integrity-check.ts, bundled as its own entry point by
 * scripts/build.ts): `PRAGMA quick_check` on a read-only connection of its own, its verdict posted back. It
 * reads the whole file (8–28 s at 1M memories), which on the store's own thread held up every request of a
 * long-lived process meanwhile.
 */
import { describeError } from "../errors.ts";
import { openReader } from "./db.ts";
import type { CheckReply, CheckRequest } from "./integrity-check.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<CheckRequest>) => {
  const { path } = event.data;
  let verdict: string;
  try {
    const db = openReader(path);
    try {
      // Through the page cache, not a map: the pages read stay the OS's, not this process's resident set.
      db.run("PRAGMA mmap_size = 0");
      const rows = db.query("PRAGMA quick_check(5)").values() as Array<[string]>;
      verdict = rows.map((r) => r[0]).join("; ") || "ok";
    } finally {
      db.close();
    }
  } catch (err) {
    verdict = describeError(err);
  }
  postMessage({ verdict } satisfies CheckReply);
};
