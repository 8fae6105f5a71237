/** @module Which memories are standing statements, the ones a later statement can change or contradict. */
import type { Memory } from "./memory.ts";

/**
 * Standing statements about the project or the user. Errors, tasks and checkpoints have lifecycles of their
 * own, and a note written in a session is a turn of a conversation ("I went to the workshop yesterday"), not
 * a claim a later turn replaces.
 */
const STANDING_TYPES = new Set(["decision", "preference", "fact", "lesson", "note"]);

export const isStanding = (m: Pick<Memory, "type" | "sessionId">): boolean =>
  STANDING_TYPES.has(m.type) && !(m.type === "note" && m.sessionId !== null);
