/**
 * @module A dense search that would skip loading its model (no vector of it yet, a backlog left to the background)
 * still says when the model cannot be loaded at all: recall then warns instead of answering "No matching
 * memories" in silence (QA: a misnamed model with 41 memories went unsaid; with one it was said).
 */
import { expect, test } from "bun:test";
import { cairnError } from "../../src/errors.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { testEngine } from "../helpers/engine.ts";

test("the search rejects with MODEL_UNAVAILABLE from `loadable`; a loadable model's skipped search returns nothing", async () => {
  const { engine, store } = testEngine();
  for (const content of ["the billing cron runs at 02:00 UTC", "staging deploys need the VPN", "the ledger is append-only"]) engine.remember({ content });
  const open = async () => {
    throw new Error("must not load: the search is skipped");
  };
  const search = (loadable?: () => void) =>
    new DenseChannel({ store, model: "nope", open, catchUpLimit: 1, ...(loadable ? { loadable } : {}) }).search({ text: "when does billing run", filter: { scope: { projects: ["/work/app"], includeGlobal: true } }, now: Date.now(), limit: 5 });
  await expect(search(() => {
    throw cairnError("MODEL_UNAVAILABLE", ["nope", "no model with this id is installed"]);
  })).rejects.toMatchObject({ code: "MODEL_UNAVAILABLE" });
  expect(await search(() => undefined)).toEqual([]);
  expect(await search()).toEqual([]);
});
