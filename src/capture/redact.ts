/**
 * @module Secret redaction on the write path: credentials are replaced by `[REDACTED:<kind>]` before anything
 * is stored, so a pasted .env file, curl command or stack trace never puts a live key into the memory database.
 */
import { redactCardNumbers } from "./card-numbers.ts";
import { redactIdNumbers } from "./id-numbers.ts";
import { redactCommandSecrets } from "./command-secrets.ts";
import { redactProseSecrets } from "./prose-secrets.ts";
import { redactOtherLanguageSecrets } from "./other-language-secrets.ts";
import { redactBlobs } from "./secret-blobs.ts";
import { isCodeReference, isHighEntropy, isPlaceholder, looksLikeIdentifierHash, looksLikePath } from "./secret-values.ts";

export interface Redaction {
  kind: string;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

const mark = (kind: string) => `[REDACTED:${kind}]`;

/**
 * Token formats recognisable on their own, wherever they appear. Ordered so the more specific prefix wins
 * (Anthropic's `sk-ant-` before OpenAI's `sk-`).
 */
export const PREFIXED: Array<{ kind: string; re: RegExp }> = [
  { kind: "private_key", re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  // The signature may be missing: a token cut short (a 100-character tag) still carries its payload.
  { kind: "jwt", re: /\bey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)?/g },
  // Not after a letter or digit, but after "_" too: `signs_with_AKIA…` in an identifier (QA: kept in metadata).
  { kind: "aws_access_key_id", re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: "github_token", re: /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9])/g },
  { kind: "github_token", re: /\bgithub_pat_[A-Za-z0-9_]{22,255}/g },
  { kind: "anthropic_key", re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: "openai_key", re: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g },
  { kind: "slack_token", re: /\bxox[abprse]-[A-Za-z0-9-]{10,}/g },
  { kind: "slack_webhook", re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g },
  { kind: "stripe_key", re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: "stripe_key", re: /\bwhsec_[A-Za-z0-9]{24,}/g },
  { kind: "google_api_key", re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "gitlab_token", re: /\bgl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}/g },
  { kind: "npm_token", re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "huggingface_token", re: /\bhf_[A-Za-z]{30,}\b/g },
  { kind: "sendgrid_key", re: /\bSG\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{40,}/g },
  // HashiCorp Vault service, batch and recovery tokens (the "." after the prefix hides them from the blob rule).
  { kind: "vault_token", re: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g },
  { kind: "digitalocean_token", re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { kind: "pypi_token", re: /\bpypi-AgE[A-Za-z0-9_-]{50,}/g },
  { kind: "shopify_token", re: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g },
  { kind: "databricks_token", re: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g },
  { kind: "twilio_key", re: /\bSK[0-9a-fA-F]{32}\b/g },
  { kind: "postman_key", re: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g },
  { kind: "age_secret_key", re: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g },
  { kind: "docker_token", re: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/g },
  // Mailgun's `key-` + 32 base-36 characters; a `key-<32 hex>` is a cache key or a digest unless Mailgun is named.
  { kind: "mailgun_key", re: /\bkey-(?=[0-9a-f]*[g-z])(?=[a-z]*\d)[0-9a-z]{32}\b|(?<=(?:[Mm]ailgun|MAILGUN)[^\n]{0,80})\bkey-[0-9a-f]{32}\b/g },
  // `<bot id>:AA<33 characters>`, also inside `https://api.telegram.org/bot<token>/…`.
  { kind: "telegram_bot_token", re: /(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g },
];

/**
 * A literal every {@link PREFIXED} match contains (a JWT its ".ey", Stripe's "k_live_"…): text without any of
 * them skips the two dozen scans, most of a clean text's redaction time. A format added above needs its
 * literal here too (test/capture/redact.test.ts checks every format's sample against it).
 */
export const PREFIXED_HINT =
  /-----BEGIN |\.ey|A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)|gh[pousr]_|github_pat_|sk-|xox|hooks\.slack\.com|k_(?:live|test)_|whsec_|AIza|gl(?:pat|dt|rt|ptt)-|npm_|hf_|SG\.|hv[sbr]\.|do[opr]_v1_|pypi-AgE|shp(?:at|ss|ca|pa)_|dapi|SK[0-9a-fA-F]|PMAK-|AGE-SECRET-KEY-1|dckr_|key-|\d:AA/;

/** The words that make an assignment's value a secret whatever it looks like (`DB_PASSWORD=hunter2`). */
const STRONG_KEY = /(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?key|master[_-]?key|signing[_-]?key|encryption[_-]?key|auth[_-]?key|dsn|pass|pwd)$/i;
/** Short words that also end ordinary names (`bypass`, `compass`): they need a separator before them. */
const NEEDS_BOUNDARY = new Set(["pass", "pwd"]);
/** Names that suggest a credential; a value under one is redacted only if it looks random. */
const WEAK_KEY = /key|secret|token|pass|pwd|auth|cred|signature|salt|hmac|cookie|session|private|webhook|dsn/i;

export type KeyStrength = "strong" | "weak" | null;

/** How strongly a name (`DB_PASSWORD`, `cache_key`) suggests that its value is a credential. */
export function keyStrength(key: string): KeyStrength {
  const m = STRONG_KEY.exec(key);
  if (m) {
    const word = m[0].toLowerCase();
    const before = key.slice(0, m.index);
    const boundary = before === "" || /[_.\-\s]$/.test(before) || (/[a-z0-9]$/.test(before) && /^[A-Z]/.test(m[0]));
    if (!NEEDS_BOUNDARY.has(word) || boundary) return "strong";
  }
  return WEAK_KEY.test(key) ? "weak" : null;
}

function kindForKey(key: string): string {
  const k = key.toLowerCase();
  if (/pass|pwd/.test(k)) return "password";
  if (/token/.test(k)) return "token";
  if (/api[_-]?key|apikey/.test(k)) return "api_key";
  return "secret";
}

/** Decides whether `value` assigned to `key` must go; `next` is the character after an unquoted value. */
function isSecretAssignment(key: string, value: string, quoted: boolean, rest: string, keyQuoted = false, colon = false): boolean {
  const strength = keyStrength(key);
  if (strength === null || isPlaceholder(value)) return false;
  if (!quoted) {
    if (/^[([{]/.test(rest)) return false; // a call, an index or a template: code, not a literal
    if (/^\s*=[^=>]/.test(rest)) return false; // `secret: SecretStr = …` is a type annotation
    if (isCodeReference(value) || looksLikePath(value) || /^[A-Za-z_][\w:]*<.*>$/.test(value)) return false;
    // `{"password": pw}`: a quoted key with a bare identifier is code passing a variable along.
    if (keyQuoted && /^[A-Za-z_]\w*$/.test(value)) return false;
    // `token: accessToken` names a variable; real passwords carry a digit or symbol.
    if (/^[A-Za-z]+$/.test(value) && STRONG_KEY.test(value.replace(/[_-]/g, ""))) return false;
    // `MissingSecret: Please define…`, `id-token: write`: after a colon, a plain word is prose or a setting.
    if (colon && /^[A-Z]?[a-z]+$/.test(value)) return false;
  }
  if (strength === "strong") return true;
  if (!isHighEntropy(value)) return false;
  // A hex string is a hash or an id (`cache_key`, `session_id`) unless the name says it is a secret (`SECRET_KEY_BASE`).
  return !looksLikeIdentifierHash(value) || (SECRET_NAME.test(key) && !HASH_NAME.test(key));
}

/** Names under which even a hex value is a credential. */
const SECRET_NAME = /secret|private|encrypt|signing|hmac|master|cred|passw/i;
/** Names that say the value is a digest or an identifier. */
const HASH_NAME = /hash|digest|checksum|sha\d*|fingerprint|commit|etag|(?:^|[_.-])id$/i;

/**
 * `KEY=value`, `key: value`, `"key": "value"`, `key => 'value'`, `["KEY"] = "value"`, `--key=value`.
 * Groups: 1 key quote, 2 key, 3 separator run, 4/5/6 quoted value, 7 unquoted value.
 */
const ASSIGNMENT =
  /(?<![\w.])(["'`]?)([A-Za-z_][\w.-]*)\1\]?(\s*(?::=|=>|=(?!=)|:)[ \t]*)(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`|([^\s"'`,;(){}[\]]+))/g;

/** Kubernetes / ECS env entries: `- name: DB_PASSWORD` followed by `value: …`. */
const NAME_VALUE =
  /(\bname["']?\s*[:=]\s*["']?([A-Za-z_][\w.-]*)["']?\s*,?\s*(?:\n\s*)?["']?value["']?\s*[:=][ \t]*)(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"',}]+))/g;

/** `scheme://user:password@host`: keeps scheme, user and host so the memory still says where it points. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@/'"]+)@/gi;

/** Discord webhooks: the id stays (it names the channel), the token after it goes. */
const DISCORD_WEBHOOK = /(\bhttps?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/\d{5,25}\/)([A-Za-z0-9_-]{20,})/g;

/** A Sentry DSN `https://<32-hex key>@host/<project id>`: the key goes, scheme, host and project stay. */
const SENTRY_DSN = /(\bhttps?:\/\/)([0-9a-f]{32})((?::[^\s@/]*)?@[A-Za-z0-9.-]+(?::\d+)?\/(?:[\w.-]+\/)*\d+)(?![\w.-])/g;

/** `Authorization: Bearer …`, `Authorization: Basic …`, and bare `Bearer <token>`. */
const AUTH_HEADER = /(\bAuthorization["']?\s*[:=]\s*["'`]?(?:(?:Bearer|Basic|Token|Bot|Digest)\s+)?)([A-Za-z0-9._~+/=-]{8,})/gi;
const BEARER = /(\bBearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/g;

/**
 * Query parameters that carry a credential in a URL: Azure SAS `sig=`, AWS/GCS presigned signatures and
 * session tokens, OAuth tokens, `client_secret`, `api_key`, `password`.
 */
const URL_SECRET_PARAM =
  /([?&](?:sig|signature|x-amz-signature|x-amz-security-token|x-goog-signature|access_token|refresh_token|id_token|client_secret|api_key|apikey|password|secret)=)([^&#\s"'<>]+)/gi;

/** `curl -u user:password`, `--user user:password`. */
const CURL_USER = /(\bcurl\b[^\n]*?\s(?:-u|--user)[ \t=]+["']?[^\s:'"]+:)([^\s'"]+)/g;

/** `--password hunter2`, `--password 'two words'`, `--token abc` (the `=` form is an assignment). */
const SECRET_FLAG = /((?:^|\s)--?(?:password|passwd|pass|token|api-key|apikey|secret|client-secret|access-token)[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s-][^\s]*)/g;

/**
 * Assignments, scanned so that a value is also read as a key when its own assignment is not a secret:
 * in `note: PGPASSWORD='…'` the `note:` match must not swallow the password's assignment.
 */
function redactAssignments(text: string, hit: (kind: string) => string): string {
  const re = new RegExp(ASSIGNMENT.source, "g");
  let out = "";
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [whole, kq = "", key = "", sep = "", dq, sq, bq, bare] = m;
    const quoted = bare === undefined;
    const value = dq ?? sq ?? bq ?? bare ?? "";
    const valueStart = m.index + whole.length - value.length - (quoted ? 2 : 0);
    const rest = quoted ? "" : text.slice(m.index + whole.length, m.index + whole.length + 8);
    if (!isSecretAssignment(key, value, quoted, rest, kq !== "", sep.trim() === ":")) {
      re.lastIndex = valueStart + (quoted ? 1 : 0);
      continue;
    }
    out += text.slice(last, valueStart) + (quoted ? whole.slice(-1) : "") + hit(kindForKey(key)) + (quoted ? whole.slice(-1) : "");
    last = m.index + whole.length;
    re.lastIndex = last;
  }
  return out + text.slice(last);
}

/**
 * Recent texts found clean. A write redacts the same strings more than once (the engine, then the store's
 * redacting view), and an import repeats short ones (types, tags, metadata keys, audit details) on every line:
 * a scan is 10–80 µs, a lookup well under one. Only clean texts are kept, so no secret lingers here.
 */
const clean = new Set<string>();
const CLEAN_MAX_CHARS = 4096;

/**
 * Notes texts that {@link redactSecrets} found clean on another thread (the import's parse thread), so this
 * thread's store boundary looks them up instead of scanning them again. Only texts that came back unchanged
 * may be passed: the set holds what a scan here would also leave as it is.
 */
export function markClean(texts: readonly string[]): void {
  for (const text of texts) keepClean(text);
}

function keepClean(text: string): void {
  if (text.length > CLEAN_MAX_CHARS) return;
  if (clean.size >= 2048) clean.clear();
  clean.add(text);
}

/** Replaces every secret in `text` by `[REDACTED:<kind>]` and reports what it removed. */
export function redactSecrets(text: string): RedactResult {
  if (clean.has(text)) return { text, redactions: [] };
  const result = scan(text);
  if (result.redactions.length === 0) keepClean(text);
  return result;
}

function scan(text: string): RedactResult {
  const redactions: Redaction[] = [];
  const hit = (kind: string) => {
    redactions.push({ kind });
    return mark(kind);
  };
  let out = text;
  if (PREFIXED_HINT.test(text)) {
    for (const { kind, re } of PREFIXED) {
      out = out.replace(re, (m) => (isPlaceholder(m) ? m : hit(kind)));
    }
  }
  out = out.replace(URL_CREDENTIALS, (m, scheme: string, user: string, pass: string) =>
    // `https://[REDACTED:sentry_dsn]@…` is a key already replaced, not `user:password`.
    isPlaceholder(pass) || user.startsWith("[REDACTED") ? m : `${scheme}${user}:${hit("password")}@`,
  );
  out = out.replace(DISCORD_WEBHOOK, (m, head: string, token: string) => (isPlaceholder(token) ? m : head + hit("discord_webhook")));
  out = out.replace(SENTRY_DSN, (m, scheme: string, _key: string, rest: string) => `${scheme}${hit("sentry_dsn")}${rest}`);
  out = out.replace(URL_SECRET_PARAM, (m, head: string, value: string) =>
    isPlaceholder(value) || value.length < 8 ? m : head + hit(/sig/i.test(head) ? "signature" : kindForKey(head.slice(1, -1))),
  );
  out = out.replace(AUTH_HEADER, (m, head: string, value: string) =>
    isPlaceholder(value) || !/\d/.test(value) ? m : head + hit("auth_header"),
  );
  out = out.replace(BEARER, (m, head: string, value: string) =>
    isPlaceholder(value) || !isHighEntropy(value) ? m : head + hit("auth_header"),
  );
  out = out.replace(CURL_USER, (m, head: string, value: string) => (isPlaceholder(value) ? m : head + hit("password")));
  out = out.replace(NAME_VALUE, (m, head: string, key: string, dq?: string, sq?: string, bare?: string) => {
    const value = dq ?? sq ?? bare ?? "";
    if (!isSecretAssignment(key, value, bare === undefined, "")) return m;
    const q = dq !== undefined ? '"' : sq !== undefined ? "'" : "";
    return `${head}${q}${hit(kindForKey(key))}${q}`;
  });
  out = redactAssignments(out, hit);
  out = out.replace(SECRET_FLAG, (m, head: string, value: string) => {
    const q = /^["']/.test(value) ? value[0]! : "";
    const bare = q ? value.slice(1, -1) : value;
    return isPlaceholder(bare) || isCodeReference(bare) ? m : `${head}${q}${hit(/pass/.test(head) ? "password" : "token")}${q}`;
  });
  out = redactCommandSecrets(out, hit);
  out = redactCardNumbers(out, hit);
  out = redactIdNumbers(out, hit);
  // Last: a value already replaced above reads as a placeholder here, so nothing is counted twice.
  out = redactProseSecrets(out, hit);
  out = redactOtherLanguageSecrets(out, hit);
  out = redactBlobs(out, hit);
  return { text: out, redactions };
}
