/** @module The write path: validate, normalise, detect duplicates (reinforcing instead of copying), insert. */
import { contentHashes, normalizeTags } from "../capture/normalize.ts";
import { redactMemory } from "../capture/redact-record.ts";
import { saysTheSame } from "../capture/compare.ts";
import { statementScope } from "../capture/scope.ts";
import { cairnError } from "../errors.ts";
import { KIND_DEFAULTS, type MemoryType } from "../domain/kinds.ts";
import type { Memory } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";
import { currentVersion } from "./current-version.ts";
import { newId } from "./ids.ts";
import { type Compared, compareNearest, type Conflict, keepPossibleConflict, nearestOnWrite, nearestOnWriteSoon, relatedOnWrite } from "./related-on-write.ts";
import { writeProject } from "./projects.ts";
import { checkContent, checkMetadata, checkPriority, checkTags, checkType } from "./validate.ts";

export interface RememberInput {
  content: string;
  type?: string;
  tags?: string[];
  /**
   * A project key (in remember(): any name for a project, see projects.ts); null = the global scope;
   * undefined = the type's default (current project, or global for preferences not about the project).
   */
  project?: string | null;
  /** When the remembered thing happened (epoch ms). */
  eventTime?: number | null;
  /** Overrides the type's default lifetime; null = never expires. */
  ttlMs?: number | null;
  priority?: number;
  metadata?: Record<string, unknown>;
  sessionId?: string | null;
  agent?: string | null;
  source?: string | null;
  /** Store it even when an active memory says the same in other words (an exact repeat is still reinforced). */
  distinct?: boolean;
}

export type RememberStatus = "created" | "duplicate";

export interface RememberResult {
  id: string;
  status: RememberStatus;
  memory: Memory;
  /** Active memories this one may change or contradict, left as they are for the caller to settle. */
  conflicts?: Conflict[];
  /** Active memories this one replaced on its own (now `superseded`, linked by a `supersedes` edge). */
  superseded?: Conflict[];
  /** A duplicate in other words: `memory` says what the input said, not in its words; the input's wording is not kept. */
  sameMeaning?: true;
  /** A duplicate of a memory under a legal hold: left exactly as it was (nothing merged: tags, lifetime, priority). */
  held?: true;
  /** Stored under a project named for it that held no memory yet (maybe a typo of a known one): the caller says so. */
  newProject?: true;
  /** Secrets found in the input and replaced by `[REDACTED:<kind>]` markers before anything was stored or compared. */
  redacted?: number;
  /** A duplicate given another type: the type the stored memory keeps (a repeat changes no type; the caller says so). */
  typeKept?: MemoryType;
}

/** Builds a complete new memory record from validated input (no I/O). */
export function buildMemory(ctx: Pick<EngineContext, "project">, input: RememberInput, now: number): Memory {
  const type: MemoryType = checkType(input.type);
  const defaults = KIND_DEFAULTS[type];
  const ttl = input.ttlMs === undefined ? defaults.ttlMs : input.ttlMs;
  if (ttl !== null && !(ttl > 0)) throw cairnError("TTL_NOT_POSITIVE");
  const content = checkContent(input.content);
  const project = input.project === undefined ? defaultProject(ctx, defaults.globalByDefault, content) : input.project;
  const draft: Memory = {
    id: newId(),
    content,
    type,
    // Raw tags: redaction must see them before lower-casing hides a token's shape.
    tags: checkTags(input.tags),
    project,
    sessionId: input.sessionId ?? null,
    agent: input.agent ?? null,
    source: input.source ?? null,
    createdAt: now,
    updatedAt: now,
    eventTime: input.eventTime ?? null,
    expiresAt: ttl === null ? null : now + ttl,
    priority: checkPriority(input.priority, defaults.priority),
    accessCount: 0,
    lastAccessedAt: null,
    ...contentHashes(content),
    status: "active",
    supersededBy: null,
    // Kept apart on purpose: consolidation does not fold it back into a near-copy either (QA: the idle fold did).
    metadata: input.distinct ? { ...checkMetadata(input.metadata), distinct: true } : checkMetadata(input.metadata),
  };
  // Redacted here already (the store view would do it too) so duplicate detection compares stored text.
  const { memory } = redactMemory(draft);
  return { ...memory, tags: normalizeTags(memory.tags) };
}

/**
 * Preferences go global, as they usually describe the user, unless the text says it is about the project
 * ("always use pnpm in this repo", "our convention is…"); other types stay in the current project.
 */
function defaultProject(ctx: Pick<EngineContext, "project">, globalByDefault: boolean, content: string): string | null {
  if (!globalByDefault) return ctx.project;
  return statementScope(content) === "project" ? ctx.project : null;
}

/**
 * Stores `candidate` unless an active memory in the same scope already says the same thing: exactly or up
 * to case, whitespace and markdown, or (among `nearest`, the active statements of its scope sharing the most
 * words with it) in other words (capture/compare.ts saysTheSame). A duplicate is reinforced instead: its
 * access count rises, new tags are merged in, its lifetime is extended and its priority raised to the higher
 * of the two. Must run inside a store transaction so the check and the write are atomic across processes.
 */
export function storeOrReinforce(
  ctx: EngineContext,
  candidate: Memory,
  now: number,
  nearest: readonly Compared[] = [],
  /** The scope's memory of the same text, when the caller looked it up already (import). */
  found: Memory | null = ctx.store.findDuplicate(candidate.project, candidate.contentHash, candidate.canonicalHash),
  /** Whether `candidate`'s lifetime was given (a `--ttl`, an imported expiry), not its type's default. */
  lifeGiven = true,
): RememberResult {
  const { store } = ctx;
  // A pending reminder with the same words is a task for later, not this statement: it is not reinforced.
  const existing = found && (found.type === "reminder") === (candidate.type === "reminder") ? found : null;
  if (existing) return reinforce(ctx, existing, candidate, now, { exact: existing.contentHash === candidate.contentHash }, lifeGiven);
  // Of its own scope: a global memory about the person is compared for changes only (related-on-write.ts).
  const reworded = nearest.find((c) => c.memory.project === candidate.project && saysTheSame(c.memory.content, candidate.content, c.comparison))?.memory;
  if (reworded) return { ...reinforce(ctx, reworded, candidate, now, { exact: false, same_meaning: true }, lifeGiven), sameMeaning: true };
  store.insert(candidate);
  store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "create",
    memoryId: candidate.id,
    hashBefore: null,
    hashAfter: candidate.contentHash,
    contentBefore: null,
    detail: { type: candidate.type },
  });
  return { id: candidate.id, status: "created", memory: candidate };
}

/**
 * A reinforced memory's expiry: a memory kept forever stays so; one that expires lives on by its own lifetime
 * from now, or to the repeat's expiry if that was given and is later (`given`: a `--ttl never` keeps it for
 * good). A repeat's type default counts for nothing: a task given `--ttl 7d`, said again, got the 30 days of
 * its type (QA), and a task given `--ttl 1h`, said again as a note, was kept for good.
 */
function extendedLife(existing: Memory, candidate: Memory, now: number, given: boolean): number | null {
  if (existing.expiresAt === null || (given && candidate.expiresAt === null)) return null;
  const own = existing.expiresAt - existing.createdAt;
  return Math.max(existing.expiresAt, now + Math.max(0, own), given ? candidate.expiresAt! : 0);
}

/** Reinforces `existing` with what `candidate` brings (tags, lifetime, priority) instead of storing a copy. */
function reinforce(ctx: EngineContext, existing: Memory, candidate: Memory, now: number, detail: Record<string, unknown>, lifeGiven: boolean): RememberResult {
  const { store } = ctx;
  // A held memory stays exactly as it is: the duplicate is answered, nothing is merged into it.
  if (store.policy.holdsOn(existing).length > 0) return { id: existing.id, status: "duplicate", memory: existing, held: true };
  const reinforced: Memory = {
    ...existing,
    tags: normalizeTags([...existing.tags, ...candidate.tags]),
    accessCount: existing.accessCount + 1,
    lastAccessedAt: now,
    expiresAt: extendedLife(existing, candidate, now, lifeGiven),
    priority: Math.max(existing.priority, candidate.priority),
  };
  store.replace(reinforced);
  store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "reinforce",
    memoryId: existing.id,
    hashBefore: existing.contentHash,
    hashAfter: existing.contentHash,
    contentBefore: null,
    detail,
  });
  return { id: existing.id, status: "duplicate", memory: reinforced };
}

export function remember(ctx: EngineContext, input: RememberInput): RememberResult {
  const { candidate, now } = prepare(ctx, input);
  return rememberNear(ctx, input, candidate, now, nearestOnWrite(ctx, candidate, now));
}

/** A memory about to be remembered, with the memories nearest it, searched before its write. */
export interface PreparedMemory {
  readonly input: RememberInput;
  readonly candidate: Memory;
  readonly now: number;
  readonly nearest: readonly Memory[];
}

/**
 * The first half of {@link remember}: the new memory built and the memories nearest it searched, on the store's
 * search thread where it has one (related-on-write.ts), so no write transaction and no thread waits for it.
 */
export async function prepareMemory(ctx: EngineContext, input: RememberInput): Promise<PreparedMemory> {
  const { candidate, now } = prepare(ctx, input);
  return { input, candidate, now, nearest: await nearestOnWriteSoon(ctx, candidate, now) };
}

/** The second half: stored, or what it repeats reinforced, as {@link remember} does (inside a caller's transaction too). */
export function rememberPrepared(ctx: EngineContext, p: PreparedMemory): RememberResult {
  return rememberNear(ctx, p.input, p.candidate, p.now, p.nearest);
}

function prepare(ctx: EngineContext, input: RememberInput): { candidate: Memory; now: number } {
  // A reminder needs its due time; remind.ts makes them (remember would store one due at once).
  if (input.type === "reminder") throw cairnError("REMINDER_NEEDS_REMIND");
  const now = ctx.now();
  return { candidate: buildMemory(ctx, { ...input, project: writeProject(ctx, input.project) }, now), now };
}

/**
 * A possible conflict when `candidate` says again what a later memory replaced ("We deploy with Heroku", after
 * "We moved deploys from Heroku to Fly.io" superseded it): the memory that now stands in its place (the end of
 * the chain of supersedes), for the caller to settle — a move back, or a stale note said again. Stored anyway
 * (it may be the move back), and newest first in recall as a new statement is (QA: it came back silently).
 */
function replacedStatement(ctx: EngineContext, candidate: Memory): Memory | null {
  const replaced = ctx.store.findDuplicate(candidate.project, candidate.contentHash, candidate.canonicalHash, "superseded");
  const m = replaced && currentVersion(ctx.store, replaced);
  return !m || m.status !== "active" || m.id === candidate.id ? null : m;
}

/** The reason given for {@link replacedStatement}'s conflict. */
const SAYS_AGAIN = "says again what this replaced";

/** Stores `candidate` or reinforces what it repeats, given the memories nearest it (read before the transaction). */
function rememberNear(ctx: EngineContext, input: RememberInput, candidate: Memory, now: number, nearest: readonly Memory[]): RememberResult {
  return ctx.store.transaction(() => {
    // A name given for the write that matches no project starts one (projects.ts): a typo must not go unnoticed.
    const fresh = typeof input.project === "string" && candidate.project !== null && candidate.project !== ctx.project && !ctx.store.projectKeys().includes(candidate.project);
    const current = compareNearest(ctx, nearest, candidate, now);
    const found = storeOrReinforce(ctx, candidate, now, input.distinct ? [] : current, undefined, input.ttlMs !== undefined);
    // The caller said a secret: it should know the value was not kept (QA: an agent took the key as saved).
    const redacted = typeof candidate.metadata.redacted === "number" ? candidate.metadata.redacted : 0;
    const stored: RememberResult = redacted > 0 ? { ...found, redacted } : found;
    if (stored.status !== "created") return input.type !== undefined && candidate.type !== stored.memory.type ? { ...stored, typeKept: stored.memory.type } : stored;
    const result: RememberResult = fresh ? { ...stored, newProject: true } : stored;
    const { conflicts, superseded } = relatedOnWrite(ctx, candidate, now, current);
    const repeated = replacedStatement(ctx, candidate);
    if (repeated && !conflicts.some((c) => c.id === repeated.id)) {
      conflicts.push({ id: repeated.id, content: repeated.content, reason: SAYS_AGAIN });
      // Kept as a possible conflict like any other between decisions, preferences or facts (QA: only reported,
      // the briefing showed the move and the old value as two current decisions).
      keepPossibleConflict(ctx, candidate, repeated, now, SAYS_AGAIN);
    }
    return {
      ...result,
      ...(conflicts.length > 0 ? { conflicts } : {}),
      ...(superseded.length > 0 ? { superseded } : {}),
    };
  });
}
