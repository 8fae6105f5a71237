/** @module Retention rules: set (or change), show and clear them; each change is an audit entry (`retention`). */
import { storedTags } from "../capture/redact-record.ts";
import type { RetentionRule, RuleKind } from "../domain/retention.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { randomHex } from "./holds.ts";
import { policyProject } from "./projects.ts";
import { checkType } from "./validate.ts";

/** Without `--grace`, purges wait this long after the sweep expired a memory: time to notice and object. */
export const DEFAULT_GRACE_MS = 30 * 86_400_000;

export interface RuleInput {
  type?: string;
  project?: string;
  tag?: string;
  keepMs: number;
  graceMs?: number;
}

export interface SetRuleResult {
  rule: RetentionRule;
  /** The rule for the same selector that this one replaced (same id, old keep and grace). */
  replaced: RetentionRule | null;
}

/** Stores a rule; a second rule for the same type, project or tag changes the first one's keep and grace. */
export function setRule(ctx: EngineContext, input: RuleInput): SetRuleResult {
  const given = (["type", "project", "tag"] as const).filter((k) => input[k] !== undefined && input[k] !== "");
  if (given.length !== 1) throw cairnError("RULE_TARGET", [given.length === 0 ? "none" : given.join(" and ")]);
  if (!(input.keepMs > 0)) throw cairnError("RULE_KEEP", [String(input.keepMs)]);
  const graceMs = input.graceMs ?? DEFAULT_GRACE_MS;
  if (!(graceMs >= 0)) throw cairnError("RULE_KEEP", [String(graceMs)]);
  const kind: RuleKind = given[0]!;
  return ctx.store.transaction(() => {
    const raw = input[kind]!;
    // A rule for a name no project answers to would keep nothing: an unknown name is refused, as for a read.
    const target = kind === "type" ? checkType(raw) : kind === "project" ? policyProject(ctx, raw, "retention rule") : storedTags([raw])[0];
    if (!target) throw cairnError("RULE_TARGET", ["an empty tag"]);
    const draft: RetentionRule = { id: `ret-${randomHex()}`, kind, target, keepMs: input.keepMs, graceMs, createdAt: ctx.now(), actor: ctx.actor };
    const replaced = ctx.store.policy.putRule(draft);
    const rule = replaced ? { ...replaced, keepMs: draft.keepMs, graceMs } : draft;
    ctx.store.appendAudit({
      at: ctx.now(),
      actor: ctx.actor,
      op: "retention",
      memoryId: rule.id,
      hashBefore: null,
      hashAfter: null,
      contentBefore: null,
      detail: {
        action: "set",
        kind,
        target,
        keep_ms: rule.keepMs,
        grace_ms: rule.graceMs,
        ...(replaced ? { before: { keep_ms: replaced.keepMs, grace_ms: replaced.graceMs } } : {}),
      },
    });
    return { rule, replaced };
  });
}

export function listRules(ctx: EngineContext): RetentionRule[] {
  return ctx.store.policy.rules();
}

/**
 * Deletes rules by id, or all of them. Memories a cleared rule expired stay expired, but the sweep no longer
 * purges them (a purge needs a rule in force).
 */
export function clearRules(ctx: EngineContext, ids: readonly string[] | "all"): RetentionRule[] {
  return ctx.store.transaction(() => {
    if (ids !== "all") {
      const known = new Set(ctx.store.policy.rules().map((r) => r.id));
      const missing = ids.find((id) => !known.has(id));
      if (missing !== undefined) throw cairnError("RULE_NOT_FOUND", [missing]);
    }
    const deleted = ctx.store.policy.deleteRules(ids);
    for (const r of deleted) {
      ctx.store.appendAudit({
        at: ctx.now(),
        actor: ctx.actor,
        op: "retention",
        memoryId: r.id,
        hashBefore: null,
        hashAfter: null,
        contentBefore: null,
        detail: { action: "clear", kind: r.kind, target: r.target, keep_ms: r.keepMs, grace_ms: r.graceMs },
      });
    }
    return deleted;
  });
}
