/**
 * @module Why a sentence with a cue in it may still state nothing: it asks, supposes or hedges, waves something away,
 * reports someone else's words, is only temporary, or "turns out" to be nothing. A wrong memory costs more than a
 * missed one, so these checks win over any cue.
 */

/**
 * A clause that asks, supposes or hedges ("should we always…", "if we decided…", "maybe we should…",
 * "I think the problem is…"). "do not" is an instruction, not a question.
 */
export const NOT_A_STATEMENT = new RegExp(
  String.raw`^(?:if|what if|suppose|supposing|imagine|assuming|in case|unless|whether|should|shall|do(?! not\b)|does|did|can|could|would|will|is|are|was|were|am|what|why|how|when|where|which|who|whom|whose|have you|has|had we|any idea|is there|are there|maybe|perhaps|possibly|probably|hopefully|apparently|supposedly|i think|i thought|i guess|i suppose|i believe|i feel like|i wonder|i'?m wondering|wondering|i'?m not sure|not sure|no idea|idk|dunno|i don'?t know|let me|let'?s (?:see|try|look|check|figure|think|discuss|talk|find|investigate|debug)|we should|we could|we might|we may|we can|you could|you might|might|it might|it may|it could|wdyt|thoughts)\b`,
  "i",
);

/** A clause that waves something away ("never mind", "don't worry about…", "scratch that"). */
export const DISMISSAL =
  /^(?:never ?mind|nvm|forget (?:it|that|about (?:it|that))|scratch that|ignore (?:that|this|me|my last)|no worries|don'?t worry|do not worry|not a big deal|(?:it )?doesn'?t matter|no problem|np|my bad|my mistake)\b/i;

/** Someone else's words: "the docs say always…", "Bob said we decided…". Checked on the text before a cue. */
export const REPORTED =
  /\b(?:says?|said|saying|tells?|told|according to|claims?|claimed|suggests?|suggested|recommends?|recommended|mentions?|mentioned|reckons?|argues?|argued|writes|wrote|asks?|asked)\b/i;

/** A time limit ("for now", "this time"): an instruction under one is not a standing preference. */
export const TEMPORARY =
  /\b(?:for now|(?:don'?t|do not)\b[^.!?]*?\byet|for the moment|for the time being|right now|for today|just this once|this (?:one )?time|temporarily|until (?:tomorrow|next week|later|the release|we (?:ship|release|merge)))\b/i;

/** A scope of one piece of work ("in this PR", "for this"): whatever is said under it is not kept. */
export const ONE_OFF = /\b(?:(?:in|for) this (?:pr|pull request|file|function|branch|commit|change|task|ticket|one|session|run)\b|for this(?=\s*(?:[,.;!]|$)))/i;

/**
 * The end of the work in hand ("when you're done", "once you are finished"), anywhere in the sentence: what is
 * asked for then is a request, not a standing rule (QA: "remember to bump the version when you're done" became a
 * preference briefed every session).
 */
export const WHEN_DONE = /\b(?:(?:when|once|after|before) (?:you(?:'re| are)?|we(?:'re| are)?) (?:done|finished|finish(?:ing)?|through)\b|when (?:done|finished)\b)/i;

/** A decision to decide later ("we decided to look into it tomorrow") records nothing. */
export const DEFERRAL = /\b(?:look into|revisit|discuss|think about|talk about|come back to|get back to|sleep on)\s+(?:it|this|that|them)\b/i;

/** What follows "turns out" when nothing was learned ("it turned out to be nothing", "turns out I was wrong"). */
export const NOTHING_LEARNED =
  /^(?:(?:to be|that|it|this)\s+)?(?:(?:it |that |this )?(?:was|is)\s+)?(?:nothing|fine|ok(?:ay)?|not (?:it|that|the \w+|a \w+)|wasn't|isn't|i was (?:wrong|mistaken)|i'?m wrong|i misread|my (?:mistake|bad)|a false alarm|a fluke|user error|pebkac|you were right|you're right|i was right|unrelated|irrelevant|a non-?issue|no (?:problem|issue|bug)|fine after all|(?:it was |that was )?(?:just )?(?:my|a) (?:own )?(?:typo|fault|mistake))\b/i;

/** Past forms that make "we never…" a story ("we never figured out why"), not a convention ("we never merge on Fridays"). */
const IRREGULAR_PAST =
  /^(?:got|gotten|had|did|done|found|made|saw|seen|knew|known|went|gone|took|taken|came|thought|heard|ran|wrote|written|built|caught|felt|forgot|forgotten|left|lost|meant|paid|said|sent|spent|told|understood|won|been|became|began|broke|chose|drove|fell|gave|grew|held|hit|kept|let|put|read|rode|rose|set|shut|sat|slept|spoke|stood|stuck|swore|threw|woke|wore)$/i;

export function isPastForm(word: string): boolean {
  const w = word.toLowerCase();
  return IRREGULAR_PAST.test(w) || (/ed$/.test(w) && !/(?:need|feed|seed|speed|breed|proceed|succeed|exceed|embed|shred|shed|bleed)$/.test(w));
}

/**
 * The object of a liking that points back at the conversation ("I like it", "I prefer this one"): a reaction,
 * not a preference worth keeping.
 */
export const DEICTIC =
  /^(?:it|this|that(?! you\b)|these|those|the (?:idea|approach|way|first|second|third|last|new|old|other|latter|former|change|version|plan|one)|yours?|what you|how you|both|either|neither|option \w)\b/i;

/**
 * A fact about the conversation or the user's moment ("Note: this is a draft", "FYI I'm going to be offline",
 * "heads up, I just force-pushed"), not about the project.
 */
export const ABOUT_THIS_CHAT = /^(?:(?:this|that|it)(?:'s|\s+(?:is|was|will|should|might|needs?|has)\b)|i(?:'m|'ve|'ll|'d)?\b)/i;

/**
 * "this error means…", "that error was caused by…": about the thing on screen. A described one ("that
 * deprecation warning from punycode", "this 'invalid hook call' error") is named, and can be remembered.
 */
export function pointsAtScreen(subject: string): boolean {
  return /^(?:it|this|that|these|those)(?:\s+(?:error|warning|exception|crash|failure|one|thing|issue|problem|message)s?)?\s*$/i.test(subject.trim());
}

/** A choice that only points back at the conversation ("let's go with your first suggestion", "…with that"). */
export const POINTED_CHOICE =
  /^(?:your|yours|what you|that|this|it|those|these|the (?:first|second|third|last|other|former|latter) (?:one|suggestion|option|approach|idea))\b/i;
