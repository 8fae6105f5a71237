/**
 * @module Legal holds: placing, listing and releasing them (each audit-logged), and the one check every
 * path that would change or remove a memory calls first ({@link assertNotHeld}).
 */
import { storedTags } from "../capture/redact-record.ts";
import { redactSecrets } from "../capture/redact.ts";
import type { Memory } from "../domain/memory.ts";
import { describeSelector, type Hold, type HoldKind } from "../domain/retention.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { resolveId, shortId } from "./ids.ts";
import { oneLine } from "../capture/normalize.ts";
import { policyProject } from "./projects.ts";

export interface HoldInput {
  project?: string;
  tag?: string;
  id?: string;
  reason: string;
}

/** What a refused change would have done to the memory, as the refusal says it ("edited", "forgotten", …). */
export type HeldAction = "edited" | "forgotten" | "restored" | "erased" | "expired" | "purged" | "superseded" | "closed" | "rewritten to erase what it quotes";

/** Throws HELD naming the first hold in force that covers `memory`. */
export function assertNotHeld(ctx: EngineContext, memory: Memory, action: HeldAction): void {
  const hold = ctx.store.policy.holdsOn(memory)[0];
  if (hold) throw cairnError("HELD", [shortId(ctx.store, memory.id), hold.id, describeSelector(hold.kind, hold.target), hold.reason, action]);
}

/**
 * Throws POLICY_TAMPERED when the holds and rules stored differ from those the audit log put in force (a hold
 * row deleted by hand, a rule inserted by hand: store/policy-audit.ts). Every purge asks first: a purge cannot
 * be undone, so it never rests on a hold lifted or a rule set outside cairn.
 */
export function assertPolicyIntact(ctx: EngineContext): void {
  const problem = ctx.store.policy.auditProblem();
  if (problem) throw cairnError("POLICY_TAMPERED", [problem.problem]);
}

/** Places a hold on a project (any name for it), a tag, or one memory; logged as a `hold` audit entry. */
export function addHold(ctx: EngineContext, input: HoldInput): Hold {
  const given = (["project", "tag", "id"] as const).filter((k) => input[k] !== undefined && input[k] !== "");
  if (given.length !== 1) throw cairnError("HOLD_TARGET", [given.length === 0 ? "none" : given.join(" and ")]);
  const kind: HoldKind = given[0]!;
  const reason = checkReason(input.reason);
  return ctx.store.transaction(() => {
    const raw = input[kind]!;
    // A hold on a name no project answers to would protect nothing: an unknown name is refused, as for a read.
    const target = kind === "project" ? policyProject(ctx, raw, "hold") : kind === "tag" ? tagOf(raw) : resolveId(ctx.store, raw);
    const hold: Hold = {
      id: `hold-${randomHex()}`,
      kind,
      target,
      reason,
      createdAt: ctx.now(),
      actor: ctx.actor,
      releasedAt: null,
      releasedBy: null,
      releaseReason: null,
    };
    ctx.store.policy.addHold(hold);
    ctx.store.appendAudit({
      at: hold.createdAt,
      actor: ctx.actor,
      op: "hold",
      memoryId: hold.id,
      hashBefore: null,
      hashAfter: null,
      contentBefore: null,
      detail: { kind, target, reason },
    });
    return hold;
  });
}

/** Lifts a hold; the memories it covered can change again (unless another hold covers them). */
export function releaseHold(ctx: EngineContext, holdId: string, why: string): Hold {
  const reason = checkReason(why);
  return ctx.store.transaction(() => {
    const hold = ctx.store.policy.hold(holdId.trim());
    if (!hold) throw cairnError("HOLD_NOT_FOUND", [holdId]);
    if (hold.releasedAt !== null) throw cairnError("HOLD_RELEASED", [hold.id, new Date(hold.releasedAt).toISOString(), hold.releasedBy ?? "?"]);
    const at = ctx.now();
    ctx.store.policy.releaseHold(hold.id, at, ctx.actor, reason);
    ctx.store.appendAudit({
      at,
      actor: ctx.actor,
      op: "release",
      memoryId: hold.id,
      hashBefore: null,
      hashAfter: null,
      contentBefore: null,
      detail: { kind: hold.kind, target: hold.target, reason },
    });
    return { ...hold, releasedAt: at, releasedBy: ctx.actor, releaseReason: reason };
  });
}

export function listHolds(ctx: EngineContext, includeReleased = false): Hold[] {
  return ctx.store.policy.holds(includeReleased);
}

function checkReason(reason: string | undefined): string {
  // One line, shown by `hold list` and the audit log: control characters (a terminal's escape sequences), line
  // breaks and bidi overrides only corrupt it (QA).
  const text = oneLine(reason ?? "");
  if (text === "") throw cairnError("REASON_REQUIRED");
  // Reasons are stored in the holds table and the audit log; secrets never are.
  return redactSecrets(text).text;
}

function tagOf(raw: string): string {
  const [tag] = storedTags([raw]);
  if (!tag) throw cairnError("HOLD_TARGET", ["an empty tag"]);
  return tag;
}

/** Short random ids (8 hex digits) that people can type; collisions are refused by the primary key. */
export function randomHex(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 8);
}
