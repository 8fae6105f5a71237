/**
 * @module Cues for facts, lessons, errors and decisions, each family with its synonyms ("FYI" / "heads-up" /
 * "worth knowing:"; "the fix was" / "what fixed it was" / "the culprit was"; "we decided" / "we ended up
 * choosing" / "Decided:"), and `orderedCues`, the order they are tried in. Errors are recognised by structure:
 * an error named (ECONNRESET, a 401, "the X warning") and what it means ("means…", "is harmless", "can be ignored").
 */
import { type Cue, re } from "./cue.ts";
import { CONTEXT_CUES } from "./cues-context.ts";
import { PREFERENCE_CUES } from "./cues-preference.ts";
import { NOT_A_STATEMENT, NOTHING_LEARNED, pointsAtScreen, REPORTED } from "./gates.ts";

// ---- facts ----------------------------------------------------------------------------------------------------

/** A subject that is a thing of the setup, not a pointer at the chat ("it is on 3.11") or a person. */
const SETUP_SUBJECT = String.raw`(?!(?:it|this|that|there|i|you|we|he|she|they|my|your)\b)`;

const FACT_LABEL = String.raw`(?:(?:an?|quick|side|small|important|just an?|friendly)\s+)?(?:notes?|nb|n\.b\.?|fyi|f\.y\.i\.?|heads[- ]up|important|context|for context|for the record|for (?:future )?reference|worth (?:knowing|noting|remembering)|good to know|reminder|remember|psa|background|just so you know|so you know)`;

const FACT_CUES: Cue[] = [
  { type: "fact", shape: "rest", wrapper: true, re: re(String.raw`^${FACT_LABEL}\s*:\s+(?<rest>.+)`) },
  {
    type: "fact", shape: "rest", wrapper: true,
    re: re(String.raw`^(?:remember|keep in mind|bear in mind)(?:\s+that)?[,:]?\s+(?!to\b|when\b|how\b|what\b|why\b|where\b|which\b|who\b|if\b|whether\b)(?<rest>.+)`),
  },
  // "note the failing test and fix it" is an imperative; only "note that…" / "note:" introduces something to know.
  { type: "fact", shape: "rest", wrapper: true, re: re(String.raw`^(?:note|be aware)(?:\s+that\s+|\s*[,:]\s+)(?<rest>.+)`) },
  { type: "fact", shape: "rest", wrapper: true, re: re(String.raw`^(?:never forget|don't forget|do not forget) that\s+(?<rest>.+)`) },
  // Where and on what a thing of the setup runs, with the number or host that makes it a fact: "staging db is on
  // port 5433", "prod is on k8s 1.29 now", "staging lives at staging.acme.internal", "the server ticks at 30hz",
  // "the dev db moved to port 5434".
  {
    type: "fact", shape: "sentence", firstOnly: true,
    re: re(String.raw`^${SETUP_SUBJECT}(?:(?:the|our)\s+)?(?:[\w.-]+\s+){0,3}?(?:is|are|lives?|runs?|sits?|listens?|ticks?|targets?|deploys?|moved)\s+(?:(?:all|only|still|now|always)\s+)?(?:on|at|in|to)\s+(?:port\s+)?(?:[\w-]+\s+)?(?=\S*\d|[\w-]+\.[\w.-]+\b)\S+`),
    accept: (m) =>
      !/\b(?:\d+\s*%|percent|battery|lines? \d+|step \d+|page \d+|minutes?|seconds?|hours?|ago|today|yesterday)\b|%/i.test(m.input) &&
      !/^(?:the\s+|our\s+)?(?:bug|error|issue|problem|typo|crash|failure|test|diff|change|fix|build|job|run|deploy|upload|download|progress)s?\b/i.test(m.input),
  },
  // What something is, by name and version: "the desktop app is Qt 6.5", "prod is still python 3.9 on amazon linux 2".
  {
    type: "fact", shape: "sentence", firstOnly: true,
    re: re(String.raw`^${SETUP_SUBJECT}(?:(?:the|our)\s+)?(?:[\w./-]+\s+){0,3}?(?:is|are|runs|uses)\s+(?:(?:still|now|all|only|on)\s+)?(?<name>[a-z][\w+#-]*)\s+v?\d+(?:\.\d+)+\b`),
    accept: (m) => !/^(?:at|about|around|over|under|only|like|version|v|build|step|line|page|port|attempt|try|run)$/i.test(m.groups!.name!),
  },
  // Who owns what: "anything under services/billing is owned by Priya's team", "packages/ds belongs to the design systems team".
  {
    type: "fact", shape: "sentence", firstOnly: true,
    re: re(String.raw`^(?!(?:it|this|that|he|she|i|you)\b)[^,;?]{3,60}?\s(?:is|are)\s+(?:owned|maintained|run)\s+by\s+\S+|^(?!(?:it|this|that|he|she|i|you)\b)[^,;?]{3,60}?\s(?:belongs|belong)\s+to\s+(?:the\s+)?(?:\S+\s+){1,3}?(?:team|squad|group|org)\b`),
  },
  // A correction: "our clusters use ingress-nginx, not the AWS Load Balancer Controller", "the admin API listens on
  // 8443, not 8080", "our CI is GitLab, not GitHub Actions".
  {
    type: "fact", shape: "clause", firstOnly: true,
    re: re(String.raw`^(?:(?:the|our|my)\s+)?(?!(?:it|this|that|i|you|we|he|she|they)\b)(?:[\w./-]+\s+){1,3}?(?:is|are|uses?|runs?(?:\s+on)?|listens?\s+on|lives?\s+(?:in|at|on)|targets?|talks?\s+to|points?\s+(?:to|at))\s+(?!(?:the|a|an|just|only|not|very|so|too|really|still|more|less)\b)[^,;?]{1,40}?,?\s+not\s+(?:the\s+|a\s+|an\s+)?\S+[^?]*$`),
    accept: (m) => !/^(?:the\s+|our\s+|my\s+)?(?:bug|error|issue|problem|test|fix|change|diff|build|answer|code|function|method|output|result|response)s?\b/i.test(m.input),
  },
  // The marker trailing: "ci runs on self-hosted runners btw, so …", "warehouse is snowflake fyi".
  {
    type: "fact", shape: "rest", wrapper: true,
    re: re(String.raw`^(?<rest>[^?]{2,}?\b(?:is|are|'s|'re|runs?|uses?|lives?|sits?|has|have|needs?|only|all)\b[^?]*?)[,\s]+(?:btw|fyi|fwiw)\b(?=[\s,.!;:]|$)`),
  },
  {
    type: "fact", shape: "rest", wrapper: true,
    re: re(String.raw`^(?:just\s+|also\s+)?(?:fyi|fwiw|p\.?s\.?|f\.y\.i\.?|so you know|(?:to\s+)?let you know|for your information|for what it's worth|for (?:future )?reference|for the record|for context|(?:a\s+)?heads[- ]up|nb|psa|(?:it's\s+)?worth (?:knowing|noting|remembering)(?:\s+that)?|good to know(?:\s+that)?|(?:a\s+)?(?:quick|friendly|small)\s+(?:note|reminder)|important(?=[,!-]))\b[,:!.\-]*\s+(?<rest>.+)`),
  },
];

// ---- lessons --------------------------------------------------------------------------------------------------

/** Status words after "the bug was…" / "the fix was…" that report on a ticket or a change, not on what was learned. */
const STATUS = String.raw`(?:reported|closed|opened|filed|assigned|reopened|marked|raised|logged|triaged|created|mentioned|discussed|supposed|meant|going|planned|merged|deployed|released|reverted|rolled|pushed|shipped|landed|applied|tested|approved|reviewed|fixed(?! by)|incomplete|partial|wrong|broken|still|not|never|also|already|back)`;

/** Nouns that make "root cause", "bug", "fix" part of a compound ("the root cause analysis was helpful"). */
const COMPOUND = String.raw`(?:analysis|report|doc|document|ticket|section|page|label|field|tracker|list|count|summary|write-?up|meeting|discussion|template|hunt|bash)`;
/** A verdict on the thing rather than its content ("the fix was really helpful"). */
const VERDICT = String.raw`(?:(?:really|very|so|super|pretty|quite)\s+)?(?:helpful|great|useful|interesting|annoying|hard|tricky|weird|fun|nasty|subtle|obvious|good|bad|nice|clever|elegant|ugly)\s*(?:[,.!]|$)`;

/** Explicit lesson markers, tried before error statements. */
const LESSON_CUES: Cue[] = [
  // "What fixed it in the end was…", "what finally worked was…": a wh-cleft, so before the question gate.
  {
    type: "lesson", shape: "sentence", beforeGates: true,
    re: re(String.raw`^what\s+(?:(?:\w+ly|really|actually|eventually|finally|ultimately|in the end)\s+)?(?:ended up\s+)?(?:fixed|solved|resolved|worked|helped|did the trick|made (?:it work|the difference)|broke|caused|working|helping|fixing it|solving it|doing the trick)\b[^?]{0,80}?\s(?:was|is|were|turned out to be|ended up being)\s+\S+\s+\S+`),
  },
  {
    type: "lesson", shape: "rest",
    re: re(String.raw`^(?:(?:the|a|key|main|big|my|our|today's|quick|hard)\s+)*(?:lessons?(?:\s+learn(?:ed|t))?|takeaways?|learnings?|til|gotchas?|pro\s*tip|the fix|solution|workaround|root cause)(?:\s+(?:for|from)\s+[^:]{1,40})?\s*:\s+(?<rest>.+)`),
  },
  // "outage takeaway: …", "postmortem lesson: …": what it was learnt from, named first.
  { type: "lesson", shape: "rest", re: re(String.raw`^(?:[\w'-]+\s+){1,2}(?:lessons?(?:\s+learn(?:ed|t))?|takeaways?|learnings?)(?:\s+(?:from|of|for)\s+[^:]{1,40})?\s*:\s+(?<rest>.+)`) },
  // "the fix was…", "the trick is to…", "the real solution for X turned out to be…".
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^(?:the\s+|our\s+|my\s+|a\s+)?(?:(?:real|actual|underlying|main|final|simple|only|proper|correct|eventual|permanent|quick|easy)\s+)?(?:fix|solution|workaround|trick|catch|gotcha|remedy|cure)\b(?:\s+here)?(?:\s+(?:for|to)\s+[^,;]{1,60}?)?\s+(?:was|turned out to be|ended up being|is\s+(?:to|that|just|simply|basically|always|usually|\w+ing)\b)(?!\s+(?:${STATUS}\b|${VERDICT}))`),
  },
  // "the culprit was…", "the reason the emails weren't sending was that…" (past only: "the problem is X" is a report).
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^(?:the\s+|our\s+|my\s+)?(?:(?:real|actual|underlying|main|root|original|whole)\s+)?(?:(?!(?:real|actual|underlying|main|root|original|whole|next|other|last|first|new|same|current|open)\b)[\w-]+\s+)?(?:problem|issue|bug|cause|root cause|culprit|reason|leak|regression|slowdown|flakiness|deadlock)\b(?!\s+${COMPOUND}\b)[^,;]{0,80}?\s(?:was|were|turned out to be|ended up being|came from|had been)\b(?!\s+(?:${STATUS}\b|${VERDICT}))`),
  },
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^(?:it\s+|as it\s+|this\s+|that\s+)?(?:turn(?:s|ed) out|end(?:s|ed) up being|apparently)\b,?(?:\s+that)?,?\s+(?<rest>.+)`),
    accept: (m) => !NOTHING_LEARNED.test(m.groups!.rest!),
  },
  {
    type: "lesson", shape: "rest",
    re: re(String.raw`^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:(?:learned|learnt)(?:\s+the hard way)?|found out|discovered)(?:\s+(?:today|recently|yesterday|the hard way))?,?\s+that\s+(?<rest>.+)`),
  },
  // "figured out why TorchServe was 3x slower: …", "found that read_csv was inferring zip codes as ints".
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:finally\s+)?(?:found|figured out|worked out|tracked down|found out)\s+(?:why|what (?:was|caused|broke)|that|the (?:cause|reason|culprit))\b\s*\S+\s+\S+`),
  },
  { type: "lesson", shape: "rest", re: re(String.raw`^(?:(?:i|we)(?:'ve|\s+have)?\s+)?learn(?:ed|t) the hard way,?\s+(?<rest>.+)`) },
  { type: "lesson", shape: "rest", re: re(String.raw`^(?:til|lessons? learn(?:ed|t))\b[,:]?\s+(?!about\b|from\b)(?<rest>.+)`) },
];

/** Weaker lesson shapes, tried after error statements: "bumping X fixed it", "the outage was caused by…". */
const LESSON_LATE_CUES: Cue[] = [
  // "the works-locally-fails-in-CI thing was timezones": a problem named as a thing, then its cause.
  { type: "lesson", shape: "sentence", re: re(String.raw`^(?:the|that|this|our|my)\s+[^,;?]{2,60}?\s+thing\s+(?:was|is|turned out to be)\s+(?!(?:fixed|done|gone|back|still|annoying|weird|fine|ok|okay|great|bad)\b)\S+`) },
  // "what bit us with the Kafka consumer: …", "what got us: …".
  { type: "lesson", shape: "rest", re: re(String.raw`^what\s+(?:bit|got|burned|burnt|tripped up|killed)\s+(?:us|me)\b[^:]{0,60}:\s+(?<rest>.+)`), beforeGates: true },
  // "…during eval, that's why val acc was garbage": a cause given for what happened.
  { type: "lesson", shape: "sentence", laterOnly: true, re: re(String.raw`^(?:that'?s|that is|this is|which is|which'?s)\s+(?:exactly\s+|probably\s+|also\s+)?(?:why|what (?:broke|caused|killed|slowed|fixed))\s+\S+\s+\S+`), accept: (m) => !/\?/.test(m.input) },
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^\w+ing\b[^,;]{2,80}?\s(?:fixed|solved|resolved|fixes|solves|resolves|got rid of)\s+(?:it|this|that|everything|the\s+[\w-]+)\b`),
  },
  {
    type: "lesson", shape: "sentence",
    re: re(String.raw`^(?<pre>[^,;]{3,80}?)\s(?:was|were)\s+(?:(?:actually|really|all|just|ultimately)\s+)?(?:caused by|due to|because of|from\s+\w+ing\b)\s*\S+|^(?<pre2>[^,;]{3,80}?)\s(?:was|were)\b[^,;?]{0,30}?\s(?:because|since)\s+(?:we|they|the|our|it|its|it's|a|an|of|every\w*|all|nobody|someone|\w+ing)\b`),
    accept: (m) => !pointsAtScreen(m.groups!.pre ?? m.groups!.pre2!),
  },
];

// ---- errors ---------------------------------------------------------------------------------------------------

/** Error identifiers by their form: errno codes, exception classes, signals. Case matters here. */
const ERROR_CODE = /\bE[A-Z]{3,}\b|\bERR_[A-Z0-9_]{3,}\b|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\bSIG[A-Z]{3,}\b|\bOOM(?:Killed)?\b|\b[45]xx\b/;
/** Error nouns and HTTP statuses; "error handling", "error rate" and the like are not an error. */
const ERROR_WORD =
  /\b(?:errors?|warnings?|exceptions?|crash(?:es)?|segfaults?|panics?|tracebacks?|stack ?traces?|failures?|connection (?:refused|reset|timed out)|permission denied|access denied|out of memory|timed out|timeouts?|not found|bad gateway|deadlocks?|segmentation fault|(?:hard|bus|page|usage|memory)\s?faults?|too many (?:open files|connections|requests)|exit (?:code|status) \d+|(?:http|status(?: code)?) [1-5]\d\d|[45]\d\ds?(?= (?:from|errors?|responses?|on|when|in|for|at)\b)|[45]\d\d(?= [A-Z][a-z]+)|unknown authority|certificate verify failed|handshake failure|n\+1(?: quer(?:y|ies))?)\b(?! (?:handling|handlers?|boundar(?:y|ies)|pages?|tracking|reporting|budgets?|rates?|level))/i;
const namesError = (s: string) => ERROR_CODE.test(s) || ERROR_WORD.test(s);

/** What an error means or how to treat it. */
const MEANING = String.raw`(?:=\s|(?:(?:it|that|this|which)\s+)?(?:(?:just|usually|always|often|probably|typically|generally|basically|almost always|only|really)\s+)?(?:means|indicates|signals|signifies)\b(?!\s+nothing)|(?:is|are|'s|'re)\s+(?:(?:completely|totally|usually|always|mostly|perfectly|just|normally)\s+)?(?:harmless|benign|expected\b(?!\s+to)|normal|noise|spurious|cosmetic|a known (?:issue|bug|problem|thing|quirk)|(?:a\s+)?false positives?|safe to ignore|nothing to worry about|not a (?:real )?problem|caused by|due to|because|from|a symptom)|can\s+(?:(?:safely|always|just)\s+)?be\s+(?:safely\s+)?ignored|(?:happens?|appears?|shows? up|occurs?|comes? up|goes away)\s+(?:when|because|if|whenever|after|on)|comes? from|came from|→\s|—\s|–\s|-+>\s|(?:is|are)\s+(?:almost\s+)?(?:always|usually|typically|mostly|generally)\s+(?:a|an|the|because|from|when|our|my)\b|(?:was|were)\s+(?:(?:just|actually|really|all|always)\s+)?(?:the|a|an|my|our|that)\b|is (?:fixed|solved) by)`;

const ERROR_CUES: Cue[] = [
  // "When you see ECONNRESET from X…", "if you get 'EADDRINUSE' it's…": a standing conditional, so before the gate.
  {
    type: "error", shape: "sentence", beforeGates: true,
    re: re(String.raw`^(?:when(?:ever)?|if|any\s*time|each time|every time|once|after (?:every|each) [\w.-]+(?: [\w.-]+)?,?)\s+(?:you|we|u|i|it|the \w+|[\w.-]+(?: [\w.-]+)?)\s+(?:see|sees|get|gets|hit|hits|run into|runs into|encounter|notice|start seeing|are seeing|keep seeing|keep getting|throws?|fails? with|(?:die|dies|crash|crashes|blow up|blows up|error out|errors out)\s+with|shows?|returns?|spits? out|logs?|says|prints|complains(?: about)?|reports|outputs)\b(?<rest>.+)`),
    accept: (m) => namesError(m.groups!.rest!) || /(['"`]).{3,}?\1/.test(m.groups!.rest!),
  },
  // "That 'invalid hook call' error means…", "the fsevents warning on linux is harmless", "a 401 from X usually means…".
  {
    type: "error", shape: "sentence",
    re: re(String.raw`^(?<pre>[^,;]*?)(?:\s+|(?='))${MEANING}`),
    accept: (m) => {
      const pre = m.groups!.pre!;
      // "getting 'Too many connections' from MySQL means…": a quoted message one runs into is an error too.
      const seenMessage = (/^(?:seeing|getting|hitting|running into|encountering)\b/i.test(pre) && /(['"`]).{3,}?\1/.test(pre)) || /(['"`])[^'"`]{12,}?\1/.test(pre);
      return (namesError(pre) || seenMessage) && !pointsAtScreen(pre) && !REPORTED.test(pre) && !NOT_A_STATEMENT.test(pre);
    },
  },
];

// ---- decisions ------------------------------------------------------------------------------------------------

/** Words before "we decided" that make it a question, a hypothetical, a negation or someone else's account. */
const DECISION_PREFIX_GATE =
  /\b(?:if|whether|when|unless|maybe|perhaps|not|no|never|don't|didn't|doesn't|haven't|hasn't|why|how|what|who|did|do|does|said|says|saying|told|tell|think|thought|remember|wonder|until|once|that|asked|ask|check|know|sure|before|should|would|could|might)\b/i;
const PREFIX = String.raw`(?<pre>(?:[\w'/.-]+\s+){0,12}?)`;
/** Verbs for a future commitment: "we're going to deprecate…", "we won't support…". */
const COMMIT_VERB = String.raw`(?:use|drop|deprecate|move to|switch to|migrate to|adopt|support|remove|replace|rewrite|standardi[sz]e on|sunset|retire|go with|stick with|require|enforce|freeze|pin|keep using|stop using|stop supporting)`;
const prefixOk = (m: RegExpExecArray) => !DECISION_PREFIX_GATE.test(m.groups!.pre!) && !REPORTED.test(m.groups!.pre!);

const DECISION_CUES: Cue[] = [
  // "CI is moving to Buildkite, ops and us agreed on it today", "…, design signed off on it yesterday": the
  // sentence is the decision its last clause reports as agreed.
  {
    type: "decision", shape: "sentence", laterOnly: true,
    re: re(String.raw`^(?:and\s+|but\s+)?(?:[\w'&-]+\s+){1,4}(?:(?:have|has|all)\s+)?(?:signed off|agreed|approved|okayed|ok'?d)(?:\s+(?:on|to)\s+(?:it|this|that))?(?:\s+(?:in|at|during|on|last|this|yesterday|today)\b[^,;]*)?[.!]*$`),
  },
  // "The firmware moves from the bare-metal superloop to FreeRTOS", "CI is moving to Buildkite".
  {
    type: "decision", shape: "clause", firstOnly: true,
    re: re(String.raw`^(?!(?:it|this|that|he|she|i|you)\b)(?:the\s+|our\s+)?[\w./-]+(?:\s+[\w./-]+)?\s+(?:(?:moves?|migrates?|switches?)\s+from\s+[^,;]{2,60}?\s+to|(?:is|are)\s+(?:moving|migrating|switching)\s+(?:over\s+)?to)\s+(?!(?:the|a|an|next|another|its|their|his|her|my)\b)\S+`),
  },
  // The same said as done, with what moved named between: "we switched feature flags from Unleash to
  // GrowthBook", "we moved CI from Jenkins to Buildkite".
  {
    type: "decision", shape: "clause", accept: prefixOk,
    re: re(String.raw`^${PREFIX}(?:we|the team|our team)(?:'ve)?\s+(?:(?:have|just|finally|already)\s+)?(?:switched|moved|migrated)\s+(?:(?!from\b)[\w./-]+\s+){1,3}from\s+[^,;]{2,40}?\s+to\s+(?!(?:the|a|an|next|another|its|their|his|her|my)\b)\S+`),
  },
  {
    type: "decision", shape: "rest",
    re: re(String.raw`^(?:(?:the|our|final|team|a|team's|official)\s+)*(?:decisions?|decided|verdict|consensus|outcomes?|agreed|final call)(?:\s+(?:on|for|about|from|of|in|at)\s+[^:]{1,40})?\s*:\s+(?<rest>.+)`),
  },
  {
    type: "decision", shape: "clause", accept: prefixOk,
    re: re(String.raw`^${PREFIX}(?:(?:we|the team|our team|the whole team|everyone)(?:'ve|'d)?\s+(?:(?:have|had|all|finally|eventually|ultimately|just|already|officially|collectively|unanimously|basically)\s+){0,2}(?:decided|agreed|chose|chosen|settled on|went with|gone with|picked|opted (?:for|to)|landed on|ended up (?:choosing|going with|picking|using|with|switching|moving|sticking)|voted|committed to|signed off on|standardi[sz]ed on|switched to|moved to|migrated to)|i(?:'ve)?\s+(?:(?:have|finally|eventually|just|already)\s+){0,2}(?:decided|chose|chosen|settled on|went with|opted (?:for|to)))\b(?!\s+(?:nothing|anything)\b)`),
  },
  // Passive: "it was decided that…", "it's been agreed that…".
  {
    type: "decision", shape: "clause", accept: prefixOk,
    re: re(String.raw`^${PREFIX}it(?:'s| has| was| had)?\s+(?:been\s+)?(?:decided|agreed(?: upon)?|settled)(?:\s+(?:that|to|on)\b|\s*:)`),
  },
  {
    type: "decision", shape: "clause", accept: prefixOk,
    re: re(String.raw`^${PREFIX}(?:we|the team)(?:'re|\s+are|'ll|\s+will|\s+shall|\s+won't)\s+(?:(?:now|officially|definitely|also)\s+)?(?:(?:not\s+)?going\s+to\s+${COMMIT_VERB}|not\s+${COMMIT_VERB}|${COMMIT_VERB}|going with|standardi[sz]ing on|switching to|moving to|moving (?:off|away from)|moving from \S+ to|getting rid of|ripping out|tearing out|ditching|replacing|pinning|keeping|done with|not doing|migrating to|deprecating|sunsetting|retiring|phasing out|adopting|sticking with|dropping (?:support|\S+ support|\S+ \S+ support))\b`),
  },
  { type: "decision", shape: "clause", re: re(String.raw`^(?:going|sticking) with\s+\S+`) },
  // The subject left out: "settled on protobuf instead of json for …", "picked terraform over pulumi".
  {
    type: "decision", shape: "clause",
    re: re(String.raw`^(?:(?:finally|eventually|ultimately)\s+)?(?:settled on|picked|chose|went with|opted for|landed on)\s+[^,;]{1,60}?\s(?:over|instead of|rather than)\s+\S+`),
  },
  {
    type: "decision", shape: "clause",
    re: re(String.raw`^(?:(?:finally|eventually|ultimately)\s+)?(?:settled on|chose|went with|opted for|landed on)\s+(?!(?:the|this|that|these|those|it|a|an|wrong|one|your|my)\b)\S+\s+\S+`),
  },
  // "mlflow it is for experiment tracking": a choice announced.
  { type: "decision", shape: "clause", firstOnly: true, re: re(String.raw`^(?!(?:that|this|it|what|which|here|there|so|yes|ok|okay)\b)[\w.+#-]+(?:\s+[\w.+#-]+)?\s+it\s+is\s+(?:for|then|now|going forward)\b`) },
  // "team vote went trunk based dev", "the poll was for X".
  { type: "decision", shape: "sentence", re: re(String.raw`^(?:the\s+|our\s+)?(?:team\s+)?(?:vote|poll)\s+(?:went|was|came out)\s+(?!(?:badly|well|poorly|nowhere|sideways|fine|ok|okay|great|on|off|over|long|cancell?ed|postponed|delayed|tied|close|split|inconclusive|a|an|the|not|still)\b)(?:for\s+|to\s+)?\S+`) },
  // A choice closed by its speaker: "raw sql with sqlx, that's final", "…, end of discussion".
  {
    type: "decision", shape: "sentence",
    re: re(String.raw`^[^?]{8,}?,?\s+(?:that'?s|this is|it'?s)\s+final[.!]*$|^[^?]{8,}?,?\s+(?:end of (?:discussion|story|debate)|not up for debate|non-?negotiable)\b`),
  },
  { type: "decision", shape: "rest", re: re(String.raw`^let'?s\s+(?:(?:just|all)\s+)?(?:go with|stick with|settle on|standardi[sz]e on|stay with|commit to)\s+(?<rest>.+)`) },
  // "let's drop Python 3.8 support", "let's use ULIDs for all new primary keys" (not "let's use a map here").
  { type: "decision", shape: "clause", firstOnly: true, re: re(String.raw`^let'?s\s+(?:(?:just|all)\s+)?(?:drop|use|adopt|deprecate|retire|ditch|require|pin|move to|switch to|migrate to)\s+(?!(?:the|this|that|a|an|it|them|one|some)\b)\S+\s+\S+`) },
  {
    type: "decision", shape: "rest",
    re: re(String.raw`^(?:the|our|my)\s+(?:(?:final|team's|official)\s+)?(?:decision|verdict|consensus)(?:\s+(?:in|from|at|of|on|after)\s+[^,;]{1,30}?)?\s+(?:is|was)\b(?!\s+(?:made|taken|reversed|postponed|delayed|not|still|pending|unclear|up to|above|yours|mine|ours|theirs)\b)[,:]?\s+(?:that\s+)?(?<rest>.+)`),
  },
  { type: "decision", shape: "clause", re: re(String.raw`^(?:the|our)\s+plan\s+is\s+(?:now\s+)?(?:to|that)\s+\S+`) },
  { type: "decision", shape: "clause", re: re(String.raw`^(?:the|our|my)\s+(?:final\s+)?call\s+(?:is|was)\s+(?:to|that)\s+\S+`) },
];

/** The order cues are tried in at each clause: explicit markers before content-based shapes. */
export const orderedCues: Cue[] = [
  ...FACT_CUES,
  ...LESSON_CUES,
  ...ERROR_CUES,
  ...LESSON_LATE_CUES,
  ...DECISION_CUES,
  ...PREFERENCE_CUES,
  ...CONTEXT_CUES,
];
