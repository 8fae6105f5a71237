/**
 * @module Payment card numbers: 13–19 digits that pass the Luhn check and start like a card (Visa 4, Mastercard
 * 51–55 and 22–27, Amex 34/37, Discover/UnionPay 6), written in groups (`4111 1111 1111 1111`, `3782-822463-10005`)
 * or as one run; a CVV/CVC stated beside one goes too. Most long numbers in a coding session are ids,
 * timestamps and port lists: a run without separators that fails either check stays, as does a number inside a
 * word, a decimal, a path, a phone number (`+49 …`) or a longer list of groups.
 */

/** Grouped as cards are printed, one separator kind throughout: 4-4-4-4(-1..3), 4-6-5 / 4-6-4, 4-4-5. */
const GROUPED = /(?<![\w.,/:+#-]|\d[ -])\d{4}([ -])(?:\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{6}\1\d{4,5}|\d{4}\1\d{5})(?![\w/:-]|[ -]\d|[.,]\d)/g;
/** One run of digits. */
const RUN = /(?<![\w.,/:+#-])\d{13,19}(?![\w/:-]|[.,]\d)/g;
/** Where card numbers start. */
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|6)/;
/** A CVV stated by name: `cvv 123`, `CVC: 4567`, `security code 123`. */
const CVV = /(\b(?:cvv2?|cvc2?|cvn|csc|cid|security code)\b[\s:=#-]*)(\d{3,4})(?!\d)/gi;
const CARD_MARK = "[REDACTED:card_number]";

/** The Luhn checksum every card number satisfies (and 1 in 10 random numbers does). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits) && !/^(\d)\1+$/.test(digits);
}

/** `4003 4004 4005 4006`: groups that count up are a list (ports, ids), not a card's random digits. */
function countsUp(groups: string[]): boolean {
  return groups.every((g, i) => i === 0 || (Number(g) > Number(groups[i - 1]) && Number(g) - Number(groups[i - 1]) < 100));
}

/** Replaces card numbers, and CVVs within a line's reach of one; `hit` records the redaction and returns its marker. */
export function redactCardNumbers(text: string, hit: (kind: string) => string): string {
  if (!/\d{4}/.test(text)) return text;
  let out = text.replace(GROUPED, (m) => (isCardNumber(m.replace(/[ -]/g, "")) && !countsUp(m.split(/[ -]/)) ? hit("card_number") : m));
  out = out.replace(RUN, (m) => (isCardNumber(m) ? hit("card_number") : m));
  if (!out.includes(CARD_MARK)) return out;
  return out.replace(CVV, (m, head: string, _code: string, at: number) => {
    const near = out.slice(Math.max(0, at - 80), at + m.length + 80);
    return near.includes(CARD_MARK) ? head + hit("card_cvv") : m;
  });
}
