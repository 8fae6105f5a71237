/**
 * @module A question asking for everything of a kind the user said over time ("which cities have I been to
 * for work?", "how many books did I finish?", "all the gifts I bought") wants one remark from each of many
 * sittings. Session context (session-context.ts) lifts a strong match's whole sitting and joins its
 * neighbours, which crowds the top-k into few sittings, so recall leaves it out for such questions. Asked in
 * the first person or of "we": LoCoMo's third-person questions ("What did Caroline …") match 40 of 1,986
 * and keep their session context.
 */

const LIST =
  /\b(which|what) (\w+ ){0,4}(have|did|do) (i|we)\b|\bhow many\b|\ball (the|my|of)\b|\blist\b|\bso far\b|\bever\b/i;

export function asksForList(query: string): boolean {
  return LIST.test(query);
}
