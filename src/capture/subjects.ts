/**
 * @module Whether two statements in one frame are said of different things — their subjects, named subjects or
 * purposes apart — so a different value in them is each thing's own, not a change (change-rules.ts asks).
 */
import { hasLike, sharedStems, some, statementParts, type StatementParts } from "./statement-parts.ts";

/**
 * Whether each statement's subject names a thing (`payments-api`, `BillingService`) and neither names the
 * other's: "The payments-api deployment runs in namespace payments with 3 replicas" and "The invoice-renderer
 * deployment runs in namespace payments with 2 replicas" are two services' facts in one frame, not a change
 * of one. Asked only of pairs sharing a few words (change-rules.ts OTHER_SUBJECT_FRAME): a change told in other words
 * ("On-call is scheduled in PagerDuty" → "pages route through Opsgenie") shares few.
 */
export function otherNamedSubject(p: StatementParts, n: StatementParts): boolean {
  if (p.subjectNames.size === 0 || n.subjectNames.size === 0) return false;
  return !some(p.subjectNames, (w) => n.stems.has(w)) && !some(n.subjectNames, (w) => p.stems.has(w));
}

/**
 * Said of different things: the newer subject names a word the older statement lacks, and the older subject is
 * nowhere in the newer ("The billing API listens on port 8443 in staging" → "The staging db is on port 5433 now";
 * QA: the API fact was superseded and vanished from recall). Flagged then, not superseded.
 */
export function subjectsApart(p: StatementParts, n: StatementParts): boolean {
  return p.subject.size > 0 && n.subject.size > 0 && !some(p.subject, (w) => n.stems.has(w)) && some(n.subject, (w) => !p.stems.has(w));
}

/**
 * Said of two things in one frame: both statements have a subject and no word of either subject is anywhere in
 * the other ("The API listens on port 8080" / "The Redis cache listens on port 6379", "The frontend runs on
 * Node 20" / "The data pipeline runs on Python 3.12"). Unlike {@link subjectsApart}, both ways.
 */
export function otherSubjects(p: StatementParts, n: StatementParts): boolean {
  if (p.subject.size === 0 || n.subject.size === 0) return false;
  return !some(p.subject, (w) => hasLike(n.stems, w)) && !some(n.subject, (w) => hasLike(p.stems, w));
}

/** "… for <purpose>": what a thing is used for, up to the end of the clause. */
const PURPOSE = /\bfor\s+([^.,;:!?()]+)/iu;

/**
 * Whether both statements say what their thing is for, and the purposes share no word: "uses Hilt for DI"
 * and "uses Room for local persistence" fill two slots, not one.
 */
export function otherPurpose(prev: string, next: string): boolean {
  const [a, b] = [PURPOSE.exec(prev)?.[1], PURPOSE.exec(next)?.[1]];
  if (a === undefined || b === undefined) return false;
  const [pa, pb] = [statementParts(a).stems, statementParts(b).stems];
  return pa.size > 0 && pb.size > 0 && sharedStems(pa, pb).length === 0;
}
