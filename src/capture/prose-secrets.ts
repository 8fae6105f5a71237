/**
 * @module Secrets stated in prose: "the password is hunter2", "db pass: Tr0ub4dor&3", "my token is abc123…",
 * "the root password for the VM is "Zx81!spectrum"", "I set the db password to Zq8#mK2pLx9". A credential word
 * followed by is/was/:/= (or set, changed … to) introduces a value; the value is redacted only if it looks like
 * one (quoted, or carrying a digit or symbol), so
 * "the password reset flow is broken", "the token is a JWT" and "secret management is handled by Vault" stay.
 */
import { entropy, isCodeReference, isHighEntropy, isPlaceholder, looksLikeIdentifierHash, looksLikePath } from "./secret-values.ts";

/** "Password" in other languages people write notes in: German, Spanish, French, Portuguese, Dutch, Polish, Italian, Finnish, Swedish. */
const FOREIGN_PASS = String.raw`passwort|kennwort|contraseña|contrasena|mot de passe|senha|wachtwoord|hasło|haslo|parola d'ordine|salasana|lösenord`;

/**
 * A credential word as a whole word ("bypass", "SESSION_SECRET", "token_budget" are not: `_` is a word character
 * and assignments are redact.ts's job), an optional "for the staging VM", then the verb or sign.
 * Groups: key, then quoted value (dq/sq/bq) or bare value.
 */
const PROSE_SECRET = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])(?<key>password|passphrase|passwd|passcode|pass|pwd|pw|pin|secret|token|api[ _-]?key|access key|secret key|${FOREIGN_PASS}|` +
    String.raw`(?:encryption|decryption|signing|master|private|hmac|client|session|license|unseal|recovery)[ _-]?key|key)` +
    String.raw`(?:\s+(?:for|to|of|on)\s+(?:the\s+|my\s+|our\s+)?[\w.@/-]+(?:\s+[\w.@/-]+){0,2}?)?` +
    // "is", "was" (and "ist", "es", "est": "Passwort ist …"), a sign, or "the password? it's …".
    String.raw`(?:'s\s+|\s+(?:is|was|ist|war|es|est|era)(?:\s+(?:now|still|currently|just|set to|changed to))?[:]?\s+|\s*(?::|=(?!=))\s*|\s*\?\s*it(?:'s|\s+is)\s+)` +
    String.raw`(?:"(?<dq>[^"\n]{3,})"|'(?<sq>[^'\n]{3,})'|` + "`(?<bq>[^`\\n]{3,})`" + String.raw`|(?<bare>[^\s"'` + "`" + String.raw`,;()<>{}\[\]]+))`,
  "giu",
);

/**
 * A credential set to a value: "I set the db password to Zq8#mK2pLx9", "changed the admin password to …",
 * "rotated the signing key to …" — how agents report what they did. The same groups as {@link PROSE_SECRET}.
 */
const SET_SECRET = new RegExp(
  String.raw`\b(?:set|sets|setting|change|changed|changes|changing|reset|resets|resetting|update|updated|updates|updating|rotate|rotated|rotates|rotating|switch|switched)\s+` +
    String.raw`(?:(?:the|my|our|his|her|their|its|a|an)\s+)?(?:[\w.@-]+\s+){0,3}?` +
    String.raw`(?<key>password|passphrase|passwd|passcode|pass|pwd|pw|secret|token|api[ _-]?key|(?:encryption|signing|master|private|client|session|license)[ _-]?key)` +
    String.raw`\s+(?:to|as)\s+` +
    String.raw`(?:"(?<dq>[^"\n]{3,})"|'(?<sq>[^'\n]{3,})'|` + "`(?<bq>[^`\\n]{3,})`" + String.raw`|(?<bare>[^\s"'` + "`" + String.raw`,;()<>{}\[\]]+))`,
  "gi",
);

/** Names of algorithms and formats that follow "the password is…" as a description ("argon2", "HS256", "v2"). */
const FORMAT_WORD =
  /^(?:argon2\w*|bcrypt|scrypt|pbkdf2|sha-?\d+|md5|[hre]s\d{3}|base64\w*|base32|utf-?8|oauth2?|jwt|1password|x509|pkcs\d+|aes-?\d*\w*|rsa-?\d*|ed25519|hmac-?\w*|v\d+(?:\.\d+)*)(?:-\w+)?$/i;
/** Durations and sizes ("3600s", "15min", "4kb"): how long or big, not what. */
const MEASURE = /^\d+(?:ms|s|m|h|d|w|min|mins|sec|secs|hrs?|days?|k|kb|mb|gb|%|x)$/i;
/** A following word that makes a number a quantity ("the password is 12 characters"). */
const UNIT_AFTER = /^\s+(?:chars?|characters?|digits?|letters?|bytes?|bits?|minutes?|hours?|days?|seconds?|weeks?|months?|years?|long|max|min|times|tokens?|words?)\b/i;

/** Whether `value`, stated for the credential word `key` (English), looks like one; `after`: the text right after it. */
export function looksLikeSecret(value: string, key: string, after: string): boolean {
  const v = value.replace(/[.,!?:]+$/, "");
  // "key" alone names too many things (a cache key, a primary key, a map key): only a random value counts.
  if (/^key$/i.test(key)) return isHighEntropy(v) && !looksLikeIdentifierHash(v);
  // A PIN is digits ("my pin is 4921"); "the LED pin is GPIO5" or "pin is 13" is a board's pin.
  if (/^pin$/i.test(key)) return /^\d{4,8}$/.test(v) && !UNIT_AFTER.test(after);
  if (v.length < 4 || isPlaceholder(v) || isCodeReference(v) || FORMAT_WORD.test(v) || MEASURE.test(v)) return false;
  if (/^https?:/.test(v) || looksLikePath(v) || /^\(/.test(after)) return false; // a path, a URL, a call
  if (/-(?:hashed|signed|encoded|based|protected|encrypted)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return /pass|pwd|^pw$/i.test(key) && !UNIT_AFTER.test(after); // a PIN-like password, not a count
  if (/^[\d./:-]+$/.test(v)) return false; // a version, date, time or fraction
  if (/\d/.test(v) || /[!@#$%^&*+=~|]/.test(v)) return true;
  // A passphrase of words run together ("correcthorsebatterystaple", "horsestaple"; QA: kept in clear): long
  // for one English word, and without the endings of the words that describe a password ("unchanged",
  // "automatically", "configurable"). Shorter ones ("letmein") cannot be told from "required".
  // A word of another language can be as long ("Kennwort ist abgelaufen"): after its password word, only a longer run.
  if (PASS_KEY.test(key) && /^[a-z]{10,}$/.test(v) && !DESCRIBING_WORD.test(v) && (v.length >= 16 || /^(?:pass\w*|pwd|pw)$/i.test(key))) return true;
  // No digit or symbol: only a long, mixed-case, random-looking string counts.
  return v.length >= 16 && /[a-z]/.test(v) && /[A-Z]/.test(v) && entropy(v) >= 3.5;
}

/** The credential words that name a password. */
const PASS_KEY = /pass|pwd|^pw$|wort|contrase|senha|has[lł]o|parola|salasana|l[oö]senord/i;
/** Endings of words that say what a password is or does rather than what it is. */
const DESCRIBING_WORD =
  /(?:ed|ly|ion|ions|able|ible|ing|ment|ments|ness|ity|ive|ous|al|ful|less|ent|ant|ence|ance|ary|ory|ize|ise|ware|where|thing|space|text|word|words)$/;

function kindFor(key: string): string {
  const k = key.toLowerCase();
  if (PASS_KEY.test(k)) return "password";
  if (k === "token") return "token";
  if (k === "pin") return "pin";
  if (/crypt|sign|master|private|hmac/.test(k)) return "secret";
  if (/key/.test(k)) return "api_key";
  return "secret";
}

/**
 * A value right after the word, with no "is" or sign: "keep the psql password Hy6#pQ9sVb2Lx in mind", "new
 * password Mb7$wR2k is set". Only values that cannot be ordinary words count: a password needs letters,
 * digits and a symbol; a token or secret needs to look random.
 */
const DIRECT_SECRET = /\b(?<key>password|passphrase|passwd|passcode|pwd|token|secret|api[ _-]?key)[ \t]+(?<value>[^\s"'`,;()<>{}[\]]{8,})/gi;

function looksLikeDirectSecret(value: string, key: string): boolean {
  const v = value.replace(/[.,!?:]+$/, "");
  if (isPlaceholder(v) || isCodeReference(v) || FORMAT_WORD.test(v) || /^(?:https?:|arn:)/i.test(v) || looksLikePath(v)) return false;
  if (/-(?:hashed|signed|encoded|based|protected|encrypted)$/i.test(v)) return false;
  if (/passcode/i.test(key)) return /^\d{4,12}$/.test(v) || (/[A-Za-z]/.test(v) && /\d/.test(v));
  // Letters, digits and a symbol; or letters in both cases with digits ("with password Kq7vR2mzX9kk"; QA).
  if (/pass|pwd/i.test(key)) return /[A-Za-z]/.test(v) && /\d/.test(v) && (/[!@#$%^&*+=~|?]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v)));
  return isHighEntropy(v) && !looksLikeIdentifierHash(v);
}

/**
 * A login stated as a pair, "user bob pass Kq7v…", "username: admin, password: hunter", "login deploy / pw x7":
 * after "user:" the password word's value is one whatever it looks like; after "user" alone ("user guide pass
 * rates") only a value with a digit, a symbol or both cases.
 */
const CREDENTIAL_PAIR =
  /\b(?:user(?:name)?|login)(?<sign>\s*[:=])?\s*\w[\w.@-]*\s*(?:,|\/|and)?\s*\b(?<key>password|passwd|pass|pwd|pw)\b\s*[:=]?\s*(?<value>[^\s"'`,;()<>{}[\]]{3,})/gi;

/**
 * A login written user-slash-password or user:password after a word that says so: "login admin / Vt6y…", "creds:
 * admin / Hq3w…", "credentials are admin:Rb4n…" (QA). The value must look like one (a digit or symbol, or both
 * cases): "login page / dashboard" stays.
 */
const SLASHED_LOGIN = /\b(?:login|logins|creds|credentials|credential)(?:\s+(?:are|is|was|were))?\s*[:=]?\s*[A-Za-z_][\w.@-]*\s*(?:\/|:)\s*(?<value>[^\s"'`,;()<>{}[\]\/]{4,})/gi;

/** "use Pa55w0rd!2024 to log in as admin" (QA): a password-like value used to log in. */
const USED_TO_LOG_IN = /\buse\s+(?<value>[^\s"'`,;()<>{}[\]]{8,})(?=\s+to\s+(?:log\s*in|login|sign\s*in|authenticate|unlock|connect)\b)/gi;

/**
 * A password one logs in or connects with: "ssh in with password hunter2hunter2", "log in using the password
 * abc123def" (QA: letters and digits of one case slipped through DIRECT_SECRET, which wants a symbol or both
 * cases). "with" or "using" before the word says the value is the password: any with letters and digits counts.
 */
const WITH_PASSWORD = /\b(?:with|using|via)\s+(?:the\s+|a\s+|its\s+|their\s+)?(?:password|passphrase|passwd|pwd)\s+(?<value>[^\s"'`,;()<>{}[\]]{6,})/gi;
const lettersAndDigits = (v: string): boolean => /[A-Za-z]/.test(v) && /\d/.test(v) && !isPlaceholder(v) && !isCodeReference(v) && !looksLikePath(v);

/**
 * A value that cannot be an ordinary word or name: letters and digits with a symbol, or both cases and two
 * digits or more ("React18" and "Node20" are names).
 */
export const passwordLike = (v: string): boolean =>
  /[A-Za-z]/.test(v) &&
  /\d/.test(v) &&
  (/[!@#$%^&*+=~|?]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v) && (v.match(/\d/g) ?? []).length >= 2)) &&
  !isPlaceholder(v) &&
  !isCodeReference(v) &&
  !looksLikePath(v);

/**
 * Replaces the `value` group (the match's end) of `pattern`'s matches that `accept` takes for a password, given
 * the value without a sentence's last stop and the match's groups.
 */
function redactValues(text: string, pattern: RegExp, hit: (kind: string) => string, accept: (v: string, groups: Record<string, string | undefined>) => boolean = passwordLike): string {
  return text.replace(pattern, (m: string, ...args: unknown[]) => {
    const groups = args[args.length - 1] as { value: string } & Record<string, string | undefined>;
    const v = groups.value.replace(/[.,!?]+$/, "");
    if (v.startsWith("[REDACTED") || !accept(v, groups)) return m;
    return `${m.slice(0, m.length - groups.value.length)}${hit("password")}${groups.value.slice(v.length)}`;
  });
}

/** A pair's value: after "user:" whatever it looks like, after "user" alone one with a digit, a symbol or both cases. */
const pairedPassword = (v: string, { sign }: Record<string, string | undefined>): boolean =>
  !isPlaceholder(v) && !isCodeReference(v) && (sign !== undefined || /[\d!@#$%^&*+=~|?]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v)));

/** Replaces credential values stated in prose; `hit` records the redaction and returns its marker. */
export function redactProseSecrets(text: string, hit: (kind: string) => string): string {
  const stated = redactValues(redactValues(redactStated(redactStated(text, PROSE_SECRET, hit), SET_SECRET, hit), SLASHED_LOGIN, hit), USED_TO_LOG_IN, hit);
  if (!/pass|pwd|pw|token|secret|api/i.test(stated)) return stated;
  const paired = redactValues(redactValues(stated, CREDENTIAL_PAIR, hit, pairedPassword), WITH_PASSWORD, hit, lettersAndDigits);
  return paired.replace(DIRECT_SECRET, (m: string, ...args: unknown[]) => {
    const { key, value } = args[args.length - 1] as { key: string; value: string };
    if (!looksLikeDirectSecret(value, key)) return m;
    const tail = /[.,]+$/.exec(value)?.[0] ?? "";
    return `${m.slice(0, m.length - value.length)}${hit(kindFor(key))}${tail}`;
  });
}

/** Redacts the values `pattern` (PROSE_SECRET's groups) introduces. */
function redactStated(text: string, pattern: RegExp, hit: (kind: string) => string): string {
  return text.replace(pattern, (m: string, ...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    const offset = args[args.length - 3] as number;
    const key = groups.key!;
    const quoted = groups.dq ?? groups.sq ?? groups.bq;
    if (quoted !== undefined) {
      if (isPlaceholder(quoted) || isCodeReference(quoted)) return m;
      if (/^key$/i.test(key) && !looksLikeSecret(quoted, key, "")) return m;
      const q = m[m.length - 1]!;
      return `${m.slice(0, m.length - quoted.length - 2)}${q}${hit(kindFor(key))}${q}`;
    }
    const bare = groups.bare!;
    const after = text.slice(offset + m.length, offset + m.length + 24);
    if (!looksLikeSecret(bare, key, after)) return m;
    const kept = bare.match(/[.,!?:]+$/)?.[0] ?? "";
    // A trailing "." or "," ends the sentence; "!" and "?" may belong to the password, so they go too.
    const tail = /^[.,]+$/.test(kept) ? kept : "";
    return `${m.slice(0, m.length - bare.length)}${hit(kindFor(key))}${tail}`;
  });
}
