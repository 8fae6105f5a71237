/**
 * @module Passwords, PINs, tokens and keys stated in prose in languages besides English: "пароль от базы данных
 * Tr0ub4dor&3", "la contraseña de la base de datos es Tr0ub4dor&3", "das Datenbankpasswort ist …",
 * "データベースのパスワードはTr0ub4dor&3です", "мой пин-код 4921", "wifi şifresi correcthorsebatterystaple" (QA: all
 * stored in clear, also by the prompt hook's captures). prose-secrets.ts reads English sentence shapes; other
 * languages inflect the word, glue it into compounds or particles, and put the value after a genitive
 * ("… de la base de datos es …") or with no verb at all. So here a credential word of one of those languages
 * is followed, up to the end of its sentence, by the first value that looks like one: right after the word, a
 * sign or a verb "to be" ("ist", "es", "est", "は", "是"), a value as prose-secrets.ts would take it; further
 * on, only one no ordinary word or name can be (letters, digits and a symbol: {@link passwordLike}), a PIN's
 * 4–8 digits, or a key's random string. "Kennwort ist abgelaufen" and "пароль для db01 хранится в vault" stay.
 */
import { looksLikeSecret, passwordLike } from "./prose-secrets.ts";
import { isCodeReference, isHighEntropy, isPlaceholder, looksLikeIdentifierHash, looksLikePath } from "./secret-values.ts";

/** Not a letter of the same word before it. */
const START = String.raw`(?<![\p{L}\p{N}_])`;

/**
 * Credential words by kind (case-insensitive). An inflected or compound form counts: the word's letters of
 * its script are taken with it ("пароля", "şifresi", "hasła", "Datenbankpasswort", "비밀번호는"). Chinese and
 * Japanese words stand alone, their particle ("は", "是") read as the verb.
 */
const WORDS = {
  // The English word in another language's sentence ("la password del database è …"): only with that
  // language's verb (LOAN_LINKED), English sentences are prose-secrets.ts's.
  loan: [String.raw`${START}passwor(?:d|ds)(?![\p{L}\p{N}])`],
  password: [
    // de, nl, sv, nb, da, fi: compounds on either side ("Datenbankpasswort", "wachtwoordbeheer"); the letters
    // before it are left out of the match, which needs only its end.
    String.raw`(?:passwort|kennwort|wachtwoord|lösenord|losenord|passord|adgangskode|kodeord|salasana)\p{Script=Latin}*`,
    // es, pt, pl, cs, tr, it: inflected after the word ("contraseñas", "senhas", "hasłem", "şifresi", "parolası").
    String.raw`${START}(?:contraseñ|contrasen|senha|hasł|haśl|hasl[oa]|hesl|şifre|sifre|parola(?!\s+chiave))\p{Script=Latin}*`,
    String.raw`${START}(?:mots? de passe|mdp|clave de acceso|palavra[- ]passe|parola d'ordine)(?![\p{L}\p{N}])`,
    String.raw`${START}парол\p{Script=Cyrillic}*`,
    String.raw`${START}(?:κωδικ\p{Script=Greek}* πρόσβασης|συνθηματικ\p{Script=Greek}*)`,
    // Hebrew and Arabic take prefixes (ה, ב, ל; و, ب, ل) on the word.
    String.raw`\p{Script=Hebrew}{0,3}סיסמ\p{Script=Hebrew}*`,
    String.raw`\p{Script=Arabic}{0,2}كلم(?:ة|ات) (?:ال)?(?:مرور|سر)`,
    String.raw`密码|密碼|口令|パスワード|パスフレーズ|पासवर्ड`,
    String.raw`(?:비밀번호|패스워드|암호(?!화))\p{Script=Hangul}*`,
  ],
  // "pin" is English's too (prose-secrets.ts: a board's "pin 13" stays): here with a word for code or number,
  // or written "PIN" (checked in {@link redactOtherLanguageSecrets}).
  pin: [
    String.raw`${START}pin(?![\p{L}\p{N}-])`,
    String.raw`${START}(?:(?:code|kod|kode|código|codigo|codice|numéro|numero|número) pin|pin[ -]?(?:code|kod|kode|kodu|koodi|nummer|numero|número|码|碼|コード|번호)|geheimzahl)(?![\p{L}\p{N}])`,
    String.raw`${START}пин(?:[ -]?код)?\p{Script=Cyrillic}*`,
    String.raw`暗証番号`,
  ],
  token: [String.raw`${START}(?:токен\p{Script=Cyrillic}*|jetons?(?![\p{L}\p{N}]))`, String.raw`トークン|令牌|(?:토큰)\p{Script=Hangul}*`],
  secret: [String.raw`${START}(?:секрет\p{Script=Cyrillic}*|sekret\p{Script=Latin}*|(?:segreto|secreto|segredo|geheimnis)(?![\p{L}\p{N}]))`, String.raw`시크릿\p{Script=Hangul}*`],
  // Like English "key": a word for too many things (a map key, "un punto clave"), so only a random value counts.
  key: [
    String.raw`schlüssel\p{Script=Latin}*|${START}(?:ключ\p{Script=Cyrillic}*|klucz\p{Script=Latin}*|anahtar\p{Script=Latin}*|(?:clé|clef|clave|chiave|chave|sleutel|nøkkel|nøgle|nyckel)(?![\p{L}\p{N}]))`,
    String.raw`密钥|秘钥|金鑰|鍵|キー|키`,
  ],
} as const;

type Kind = keyof typeof WORDS;

const CREDENTIAL = new RegExp(
  Object.entries(WORDS)
    .map(([kind, words]) => `(?<${kind}>${words.join("|")})`)
    .join("|"),
  "giu",
);

/** A value: ASCII without spaces, quotes or brackets, not inside a Latin word or a `[REDACTED:…]` marker. */
const VALUE = /(?<![\[\p{Script=Latin}\p{N}_])[A-Za-z0-9!#$%&*+\-./:=?@^_|~\\]+/gu;
/** Where the credential word's sentence ends: a line break, a full stop of CJK, or a stop before a space. */
const SENTENCE_END = /[\n。！？]|[.!?;](?=\s)/u;
/** The longest stretch after the word searched for its value. */
const REACH = 80;
/** Between the word and its value: nothing, or a sign. */
const SIGN_ONLY = /^[\s:=：]*$/u;
/** …or ending with a sign or a verb "to be" ("… de la base de datos es ", "… на сервере: "). */
const LINKED =
  /(?:[:=：]|(?:^|[\s\p{P}])(?:ist|lautet|war|es|est|era|était|è|é|is|er|är|var|jest|to|это|—|–|היא|הוא|הינה|هي|هو)|[は是为為])\s*[:：]?\s*$/iu;

/** The verb "to be" of a language that borrows "password" (it, pt, de, nb, da, sv, pl, ru), right before the value. */
const LOAN_LINKED = /(?:^|\s)(?:è|é|ist|lautet|er|är|jest|это)\s*[:：]?\s*$/iu;

/** Whether `v` is the value of a credential word of kind `kind`; `linked`: right after it, a sign or a verb. */
function accepted(kind: Kind, v: string, linked: boolean, after: string): boolean {
  if (isPlaceholder(v) || isCodeReference(v) || looksLikePath(v) || /^https?:/i.test(v)) return false;
  // Further on, a year is when something happened to it ("PIN-Code seit 2024 geändert").
  if (kind === "pin") return /^\d{4,8}$/.test(v) && (linked || !/^(?:19|20)\d\d$/.test(v));
  if (kind === "loan") return linked && looksLikeSecret(v, "password", after);
  if (kind === "key") return isHighEntropy(v) && !looksLikeIdentifierHash(v);
  if (!linked) return passwordLike(v);
  // English words run together pass as a passphrase there ("correcthorsebatterystaple"); a word of another
  // language can be as long ("Kennwort ist abgelaufen"), so only a longer run counts.
  if (/^[a-z]+$/.test(v) && v.length < 16) return false;
  return looksLikeSecret(v, kind === "password" ? "password" : kind, after);
}

const HIT_KIND: Record<Kind, string> = { loan: "password", password: "password", pin: "pin", token: "token", secret: "secret", key: "api_key" };

/** Replaces credential values stated in prose in languages besides English; `hit` records each and returns its marker. */
export function redactOtherLanguageSecrets(text: string, hit: (kind: string) => string): string {
  const cuts: Array<{ from: number; to: number; kind: string }> = [];
  const found = [...text.matchAll(CREDENTIAL)];
  for (const [i, m] of found.entries()) {
    const kind = (Object.keys(WORDS) as Kind[]).find((k) => m.groups![k] !== undefined)!;
    if (kind === "pin" && /^pin$/i.test(m[0]) && m[0] !== "PIN") continue;
    const start = m.index + m[0].length;
    // Up to the next credential word: its value is that word's, and a text of nothing but such words stays linear.
    const rest = text.slice(start, Math.min(start + REACH, found[i + 1]?.index ?? Infinity));
    const end = rest.search(SENTENCE_END);
    const window = end < 0 ? rest : rest.slice(0, end);
    for (const v of window.matchAll(VALUE)) {
      const gap = window.slice(0, v.index);
      // "=Kq7v…" or ":4921" when the sign sits against the value: the sign is not part of it.
      const lead = /^[:=]+/.exec(v[0])?.[0].length ?? 0;
      const raw = text.slice(start + v.index + lead, start + v.index + lead + 256).match(/^[A-Za-z0-9!#$%&*+\-./:=?@^_|~\\]+/)?.[0] ?? "";
      const value = raw.replace(/[.,!?:]+$/, "");
      if (value.length === 0) continue;
      const linked = kind === "loan" ? LOAN_LINKED.test(gap) : SIGN_ONLY.test(gap) || LINKED.test(gap + v[0].slice(0, lead));
      const after = text.slice(start + v.index + lead + raw.length, start + v.index + lead + raw.length + 24);
      if (!accepted(kind, value, linked, after)) {
        if (kind === "pin" && /^\d+$/.test(value)) break; // a PIN is the first number after its word, or none
        continue;
      }
      // A trailing "." or "," ends the sentence; "!" and "?" may belong to the password, so they go too.
      const kept = /[.,]+$/.exec(raw)?.[0] ?? "";
      const from = start + v.index + lead;
      cuts.push({ from, to: from + raw.length - kept.length, kind: HIT_KIND[kind] });
      break;
    }
  }
  if (cuts.length === 0) return text;
  let out = "";
  let last = 0;
  for (const c of cuts.sort((a, b) => a.from - b.from)) {
    if (c.from < last) continue; // two words before one value: replaced once
    out += text.slice(last, c.from) + hit(c.kind);
    last = c.to;
  }
  return out + text.slice(last);
}
