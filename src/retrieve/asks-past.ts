/**
 * @module A question about the past ("which test runner did we use in early June?", "how did we install
 * dependencies before the switch?") names a time before now or asks what came before something. Its answer
 * may be a memory a later one superseded, so recall then searches superseded memories too (they come back
 * marked with their status and `superseded_by`); other questions see active memories only.
 */
import { analyzeQueryTime, type QueryTime } from "./query-time.ts";

export function asksAboutThePast(query: string, now: number): boolean {
  return pastIn(analyzeQueryTime(query, now), now);
}

/** The same, for a query whose times were already read (recall reads them once). */
export function pastIn(t: QueryTime, now: number): boolean {
  return t.spans.some((s) => s.start < now) || t.anchors.some((a) => a.side === "before");
}
