/**
 * @module The error a memory is about, as a key that stays the same however often and wherever it recurs:
 * the signature hooks record ("`npm test` failed: …", "… failed with \"…\"; fixed by …") or a typed error
 * in the text ("TypeError: x is not a function", "ERESOLVE unable to resolve dependency tree"), with
 * numbers, hex ids and quoting levelled. Memories sharing a key are about one root cause.
 */

/** Hook-written errors and lessons: the signature follows "failed:" or sits in quotes after "failed with". */
const HOOK_SIGNATURE = /\bfailed(?: with "([^"]{4,200})"|: (.{4,200}))/;
/** A named error or exception, or an errno-style code, and what follows it on the line. */
const TYPED_ERROR = /\b((?:[A-Z][A-Za-z]*)?(?:Error|Exception)|E[A-Z]{3,}[0-9]*)\b:?\s+([^\n"]{4,160})/;

/**
 * npm's own error code line ("npm ERR! code ERESOLVE", "npm error code EACCES"): the code names the failure, what
 * follows it on the line is this occurrence's (QA: three ERESOLVE errors written on one line each were three
 * root causes; with npm's second line, "ERESOLVE unable to resolve dependency tree", they were one).
 */
const NPM_CODE = /\bnpm (?:ERR!|error) code (E[A-Z]{3,}[0-9]*)\b/;

/** The normalised error signature `text` is about, or null when it names no error. */
export function rootCauseKey(text: string): string | null {
  const hook = HOOK_SIGNATURE.exec(text);
  const npm = NPM_CODE.exec(hook ? (hook[1] ?? hook[2]!) : text);
  if (npm) return `npm ${npm[1]!.toLowerCase()}`;
  const raw = hook ? (hook[1] ?? hook[2]!) : typedError(text);
  if (raw === null) return null;
  const key = raw
    .toLowerCase()
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{8,}\b/g, "#")
    .replace(/\d+/g, "#")
    .replace(/[`'"‘’“”]/g, "")
    .replace(/[\s.;,:]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
  return key.length >= 4 ? key : null;
}

function typedError(text: string): string | null {
  const m = TYPED_ERROR.exec(text);
  return m ? `${m[1]} ${m[2]!.split(/[.;](?:\s|$)/)[0]}` : null;
}
