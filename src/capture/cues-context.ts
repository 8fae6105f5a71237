/**
 * @module Cues for standing context without a marker word: statements placed in the project ("msrv for this
 * project is 1.74", "tests here run with vitest", "we target java 17 in this project") and statements about
 * the person ("call me Sam", "I'm colorblind", "my editor is neovim", "reply in English"). Both need their
 * anchor — a named project place, a self-description — because "we use Jest, write the tests accordingly"
 * or "I'm testing on Safari" are about the task at hand.
 */
import { type Cue, re } from "./cue.ts";

/** A place in the project a statement is made about. */
const PROJECT_NOUN = String.raw`(?:repo|repository|project|codebase|code ?base|crate|service|app|monorepo|package|workspace)`;
const PLACED = String.raw`(?:in|for|on|across)\s+this\s+${PROJECT_NOUN}`;
/** A present-tense verb of how things are: "is", "run", "need", "go through", "follow", "live". */
const STATE_VERB = String.raw`(?:is|are|has|have|uses?|runs?|needs?|lives?|live|goes|go|follows?|must|should|gets?|requires?|targets?|stays?|expects?|owns?|means?|calls?|builds?|deploys?|ships?|depends)`;
/** A subject that is a thing of the project, not an addressee or a pointer at the screen. */
const THING = String.raw`(?!(?:you|i|it|this|that|there|what|which|who|how|why|when|where)\b)(?:[\w@./<>\`'-]+\s+){0,5}?`;
/** Things people say about themselves that hold across projects. */
const SELF = String.raw`(?:new to|colou?r ?blind|dyslexic|deaf|hard of hearing|left-handed|based in|located in|in (?:the )?\S+ time ?zone|on (?:an? )?(?:mac|macbook|macos|linux|windows|wsl|arch|ubuntu|fedora|debian|nixos|m1|m2|m3|chromebook)\b|an? (?:[\w-]+ )?(?:dev|developer|engineer|designer|student|beginner|manager|scientist|analyst|sre|admin|programmer|researcher|founder|consultant))`;
const ENVIRONMENT = String.raw`(?:editor|ide|shell|terminal|os|operating system|laptop|machine|setup|timezone|time zone|pronouns|native language|first language|keyboard(?: layout)?)`;

/**
 * What makes such a sentence about now rather than standing: a request ("…, can you look"), a state of the
 * moment ("failing", "a mess", "today", "step 3"), a reaction, or something pointed at on screen.
 */
const TRANSIENT = new RegExp(
  String.raw`\b(?:(?:can|could|would|will) you|fail(?:s|ing|ed)?|broken|break(?:s|ing)|slow|slower|a mess|messy|dying|dead|down|flaky|weird|wrong|right track|step \d+|today|tonight|yesterday|this (?:morning|week)|right now|now|again|currently|at the moment|anymore|confus\w*|lost|stuck|(?<![/.])error(?!\.\w)|outdated|half|too|old|ugly|huge|unused|missing|incomplete|finished|done|ready|messing|bug|crash\w*|returns? \d{3}|null|undefined|(?:use|uses|using|on|in)\s+(?:this|that|these|those|it)\b(?!\s+${PROJECT_NOUN}))`,
  "i",
);
const standing = (m: RegExpExecArray) => !TRANSIENT.test(m.input);

export const CONTEXT_CUES: Cue[] = [
  // "msrv for this project is rust 1.74", "kafka topics in this project are named …", "all public functions in this crate need …".
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^${THING}[\w@./<>\`'-]+\s+${PLACED}\s+(?:(?:all|only|always|never)\s+)?${STATE_VERB}\b\s+\S+`) },
  // "tests here run with vitest", "the go services here all use zerolog", "python deps here are managed with uv".
  // "here" alone often points at a line on screen ("the function here needs…"): only a plural kind of thing counts.
  {
    type: "fact", shape: "sentence", accept: standing, firstOnly: true,
    re: re(String.raw`^${THING}[\w@./<>\`'-]+s\s+here\s+(?:(?:all|only|always|never)\s+)?(?:run|use|live|go|follow|get|need|require|target|are (?:\w+ed|named|kept|run|written|built|on|in|under)\b)\b\s+\S+`),
  },
  // "in this codebase all errors go through …", "for this project commit messages follow …".
  { type: "fact", shape: "sentence", accept: standing, re: re(String.raw`^${PLACED},?\s+(?:${THING}[\w@./<>\`'-]+|we)\s+(?:(?:all|only|always|never|usually)\s+)?${STATE_VERB}\b\s+\S+`) },
  // "we target java 17 in this project", "we pin all github actions … in this repo", "we're on python 3.11 here".
  {
    type: "fact", shape: "sentence", accept: standing, firstOnly: true,
    re: re(String.raw`^we(?:'re| are)?\s+(?:(?:all|only|always|never|still|now)\s+)?(?:on|use|pin|target|run|deploy|build|write|keep|follow|require|support|ship|host)\b(?!\s+(?:it|this|that|them|these|those)\b)[^,;]{2,80}?\s(?:${PLACED}|here)\b`),
  },
  // "our api responses are always wrapped in …": a standing property of a project thing.
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^our\s+(?:[\w-]+\s+){1,3}(?:is|are)\s+(?:always|never)\s+(?!\w+ing\b)\S+`) },
  // The person: "call me Sam", "my name's Priya", "my editor is neovim".
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:(?:you can |please )?call me|i go by|my name(?:'s| is))\s+(?!(?:when|if|after|before|back|later|once|as|in|on|at|not|wrong|missing|spelled|when)\b)\S+`) },
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^my\s+(?:main\s+|usual\s+|daily\s+)?${ENVIRONMENT}\s+(?:is|are)\s+(?!\w+ing\b)\S+`) },
  // "i'm pretty new to rust", "im on macos with an m2", "i'm mostly a backend dev", "i'm in the CET timezone".
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^i(?:'m|m| am)\s+(?:(?:pretty|very|quite|mostly|mainly|fairly|a bit|kind of|kinda|really|still|completely|totally|primarily)\s+)*${SELF}`) },
  // "i work on a linux box", "i use fish shell", "at my job we're mostly a go shop".
  {
    type: "fact", shape: "sentence", accept: standing, firstOnly: true,
    re: re(String.raw`^i\s+(?:work|code|develop)\s+(?:on|in|with)\s+(?:an?\s+)?(?:mac|macbook|macos|linux|windows|wsl|arch|ubuntu|\w+ (?:box|machine|laptop))\b|^i\s+use\s+(?:an?\s+)?(?:fish|zsh|bash|nushell|powershell|neovim|n?vim|emacs|vs ?code|intellij|zed|helix|sublime|a mac|macos|linux|windows)\b`),
  },
  { type: "fact", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:at|in) my (?:job|work|day job|company|workplace)\b,?\s+\S+\s+\S+`) },
  // Standing habits and wishes of the person: "i always use pnpm", "I always want type hints …".
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^i\s+(?:always|never|usually)\s+(?:use|want|need|expect|write|run|prefer|do)\b\s+\S+`) },
  // How to talk to the person: "reply in english …", "no need to ask permission for read-only commands".
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:always\s+)?(?:reply|respond|answer|talk to me|write to me|speak to me)\s+(?:in|using)\s+\S+`) },
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:there's\s+|there is\s+)?no need to\s+(?:ask|check with me|confirm|wait for)\s+(?:me\s+|permission\s+)?(?:for|before|about|when|on)\b`) },
  // "keep your answers short", "ask me before you run anything that writes", "you can run the tests yourself without asking".
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:please\s+)?keep\s+(?:your\s+|the\s+)?(?:answers|replies|responses|explanations|messages|summaries|comments)\s+\S+`) },
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^(?:(?:please|always)\s+)?(?:ask|check with)\s+me\s+(?:first\s+)?(?:before|first)\b(?:\s+(?:you\s+)?(?:\w+ing|run|add|install|delete|push|commit|change|touch|use|write|deploy|merge|drop|remove)\b)?`) },
  { type: "preference", shape: "sentence", accept: standing, firstOnly: true, re: re(String.raw`^you\s+(?:can|may)\s+(?:always\s+)?\w+\s+[^,;?]{2,60}?\s+without\s+asking\b`) },
];
