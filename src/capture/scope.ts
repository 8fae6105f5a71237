/**
 * @module Whom a statement is about: the project (its repo, code, team, conventions) or the person (who they
 * are, how they want to be answered and worked with). Project memories stay with their project; only what is
 * about the person is shared by every project. Signals are weighed, because sentences mix them ("I prefer
 * pnpm in this repo" is about the repo; "at my job we're a Go shop" is about the person).
 */

export type Scope = "project" | "global";

/** A place in the project: "in this repo", "for this service", "here", "our codebase". */
const PLACE =
  /\b(?:this|our|these)\s+(?:[\w-]+\s+)?(?:repo|repos|repository|project|projects|codebase|code ?base|monorepo|crate|crates|package|packages|workspace|service|services|app|application|module|library|lib|org|organi[sz]ation|company|product|stack|cluster|system|api|backend|frontend|site|team)\b|(?<!new )\bhere\b(?!'s|\s+(?:is|are|we go)\b)|\b(?:for|in|on)\s+this(?=\s*(?:[,.;!]|$|\s+(?:is|are|we|one)\b))/i;
/** The team acting: "we", "our", "the team". ("us" is left out: "show us" is the conversation.) */
const TEAM = /\b(?:we|we're|we've|we'll|we'd|our|ours|(?:the|my|our) team|team(?:'s)?\s+(?:decision|convention|rule|policy|standard))\b/i;
/** The person's wider context, which outweighs "we": "at my job we're mostly a Go shop". */
const PERSONAL_CONTEXT = /\b(?:at|in|for) my (?:job|work|day job|company|workplace|employer|org)\b|\bat work\b|\bin general\b(?=.*\b(?:i|me|my)\b)/i;
/** The person: first-person singular, or an agent writing about "the user". */
const PERSON =
  /\b(?:i|i'm|im|i'd|i've|i'll|me|my|mine|myself)\b|\b(?:the )?user(?:'s)?\s+(?:prefers?|wants?|likes?|loves?|hates?|dislikes?|is|uses?|works?|needs?|expects?|asked|name|timezone|editor|shell|os|machine|language)\b/i;
/**
 * How the person wants to be answered and worked with. Kept to phrasings that are about the conversation
 * ("your answers", "ask me first", "what you did"), since "responses", "permissions" and "explain" alone are
 * as often about the code ("API responses are JSON").
 */
const CONVERSATION =
  /\b(?:your|short|long|brief|concise|detailed|terse|the long|the short)\s+(?:answers?|responses?|repl(?:y|ies)|explanations?|messages to me)\b|\brepl(?:y|ies)\b|\b(?:ask(?:ing)?|asking for|without)\s+(?:me\b|first\b|permission\b|before\b)|\bclarifying questions?\b|\bemojis?\b|\bjargon\b|\bbe (?:more |less )?(?:concise|brief|terse|verbose|formal|casual|direct|blunt|friendly)\b|\bkeep (?:it|things|answers|responses|replies) (?:short|brief|concise|simple)\b|\b(?:don't|do not|never|no need to|stop|skip)\s+(?:(?:over-?)?explain\w*|summari[sz]\w*|recap\w*|apologi[sz]\w*|thank\w*|the (?:preamble|pleasantries|intro|small talk))|(?:^|\b(?:please|always|just)\s+)(?:answer|respond)\b|\bpronouns\b|\bapologi[sz](?:e|ing)\b|\btalk(?:ing)? to me\b|\byou(?:'re| are) going to\b|\bwhat you(?:'ve)? (?:did|done|changed)\b|\byourself\b|(?:^|\b(?:so|and|please|always|never|also|just|then)\s+)explain\b/i;

/**
 * "I" as the narrator of project work rather than its subject: "I learned that the cache…", "I decided to
 * use Kafka", "I set up CI to…", "I want all API errors to…". Removed before looking for the person, so the
 * statement counts for what it is about.
 */
const NARRATOR =
  /\bi(?:'ve| have)?\s+(?:(?:just|finally|recently|already|eventually|also)\s+)?(?:learned|learnt|found(?: out)?|discovered|reali[sz]ed|noticed|figured(?: out)?|decided|chose|picked|went with|settled on|set up|added|wrote|created|moved|changed|configured|migrated|renamed|deleted|removed|fixed|updated|bumped|upgraded|refactored|merged|pushed|deployed|reverted|traced|tracked down|debugged|ran into|hit|saw|(?:want|need|expect)(?= (?:all|every|each|our|the)\b))\b|\bi(?:'d| would)\s+like(?= (?:all|every|each|our|the)\b)/gi;

/**
 * Whether the statement speaks of the person, in the first person or as "the user …", narrating project work or
 * not ("I moved from Lisbon to Berlin"): one that may change what is known of them (engine/related-on-write.ts).
 */
export const speaksOfThePerson = (text: string): boolean => PERSON.test(text.replace(/[\u2018\u2019]/g, "'"));

/**
 * "project" or "global" when the statement says whom it is about, null when it does not (then the caller's
 * default applies: captures stay in the project, preferences an agent stores go global).
 */
export function statementScope(text: string): Scope | null {
  const s = text.replace(/[\u2018\u2019]/g, "'");
  let project = 0;
  let person = 0;
  if (PLACE.test(s)) project += 3;
  if (TEAM.test(s)) project += 2;
  if (PERSONAL_CONTEXT.test(s)) person += 3;
  if (PERSON.test(s.replace(NARRATOR, ""))) person += 2;
  if (CONVERSATION.test(s)) person += 1;
  if (project === person) return null;
  return project > person ? "project" : "global";
}
