/** @module The fitted model of change-model.ts: what it adds to the rules of change-rules.ts, and what it leaves alone. */
import { describe, expect, test } from "bun:test";
import { CHANGE_MODEL, changeFeatures, changeLikelihood } from "../../src/capture/change-model.ts";
import { changeOf, changeOfByRules, LIKELY_CHANGE, READS_LIKE_CHANGE, sameMeaning } from "../../src/capture/change-rules.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;
/** A meeting moved to another time, said with no change word and no unit the quantity rules compare. */
const OLD = "Daily sync is at 8:45 in #ops-daily.";
const NEW = "Sync is at 9:15, same channel.";

const likelihood = (prev: string, next: string) => {
  const { comparison, parts, signals } = changeOfByRules(prev, next);
  return changeLikelihood(changeFeatures(parts[0], parts[1], signals, comparison.relation, prev.length, next.length));
};

describe("change model", () => {
  test("a pair no rule decides is flagged as a loose conflict when the model finds it likely a change", () => {
    expect(changeOfByRules(OLD, NEW).comparison).toEqual({ relation: "none", reason: "related", confident: false });
    expect(likelihood(OLD, NEW)).toBeGreaterThanOrEqual(LIKELY_CHANGE);
    const c = changeOf(OLD, NEW);
    expect(c).toMatchObject({ relation: "conflict", reason: READS_LIKE_CHANGE, confident: false });
    expect(c.looseOverlap).toBeGreaterThan(0);
  });

  test("additions, other subjects and pairs the rules decide keep the rules' answer", () => {
    // An addition: the rules say so, and the model agrees it is not a change.
    const addition = ["The search cluster runs on two m6g nodes.", "The search cluster also keeps a t4g.small node for snapshots."] as const;
    expect(changeOf(...addition)).toEqual({ relation: "none", reason: "adds to it", confident: false });
    expect(likelihood(...addition)).toBeLessThan(LIKELY_CHANGE);
    // A pair sharing a word that is about another thing, and one sharing none.
    expect(changeOf("Deploys run from Jenkins.", "Deploy approvals need two reviewers.").relation).toBe("none");
    expect(changeOf("Deploys run from Jenkins.", "The cafeteria closes at three.").reason).toBe("another subject");
    // Decided by the rules: the model is not asked (a cue and the value replaced is confident, as before).
    expect(changeOf("The API runs on Node 18.", "The API now runs on Node 22.")).toMatchObject({ relation: "update", confident: true });
  });

  test("a rewording is still the same meaning (reinforced, not flagged)", () => {
    expect(sameMeaning("Backups run daily at 01:00 UTC.", "Backups run every day at 01:00 UTC.")).toBe(true);
  });

  test("on write, the model's flag is reported and the older memory stays active", () => {
    const { engine, advance } = testEngine();
    const old = engine.remember({ content: OLD, type: "fact" });
    advance(DAY);
    const next = engine.remember({ content: NEW, type: "fact" });
    expect(next.conflicts).toEqual([{ id: old.id, content: OLD, reason: READS_LIKE_CHANGE }]);
    expect(engine.get(old.id).status).toBe("active");
  });

  test("the model is whole: a weight, a mean and a deviation per feature", () => {
    const n = changeFeatures(...changeOfByRules(OLD, NEW).parts, changeOfByRules(OLD, NEW).signals, "none", OLD.length, NEW.length).length;
    expect([CHANGE_MODEL.mu.length, CHANGE_MODEL.sd.length, CHANGE_MODEL.w.length]).toEqual([n, n, n]);
    expect(CHANGE_MODEL.sd.every((s) => s > 0)).toBe(true);
  });
});
