/** @module MCP recall brings a strong hit's linked memories and tells the agent which link brought each. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { connect, type Harness } from "./helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await connect();
});
afterEach(() => h.close());

test("a fix linked to the error comes right after it, marked with the link", async () => {
  for (let i = 0; i < 6; i++) await h.ok("remember", { content: `Weekly settlement summary ${i} is mailed to finance` });
  const error = await h.ok("remember", { content: "Settlement run dies with ECONNRESET from the ledger socket after 30 seconds" });
  const fix = await h.ok("remember", { content: "Raised the pgbouncer idle timeout to 120 s in deploy/values.yaml" });
  const bare = await h.ok("recall", { query: "ECONNRESET ledger socket" });
  expect(bare.results.map((r: { id: string }) => r.id)).not.toContain(fix.id);

  await h.ok("relate", { from: fix.id, to: error.id, relation: "fixes" });
  const linked = await h.ok("recall", { query: "ECONNRESET ledger socket" });
  expect(linked.results.slice(0, 2).map((r: { id: string }) => r.id)).toEqual([error.id, fix.id]);
  expect(linked.results[1].linked).toEqual({ from: error.id, relation: "fixes", direction: "to_hit" });
  expect(linked.results[0].linked).toBeUndefined();
});
