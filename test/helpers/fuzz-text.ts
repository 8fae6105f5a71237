/** @module Test helper: seeded text of a given length in one script (Latin, code, CJK, emoji, combining marks, RTL, control characters, all mixed). */

export const SCRIPTS = ["latin", "code", "cjk", "emoji", "combining", "rtl", "control", "mixed"] as const;
export type Script = (typeof SCRIPTS)[number];

const WORDS = "the deploy database migration failed because a lock was held by another writer during the release".split(" ");
const CODE = ["fn(x)", "=>", "{", "}", "x.map((y)", "y*2);", "//", "TODO", "src/app.ts:42", "user_id", "node-gyp", "v1.2.3"];
const RTL = ["שלום", "עולם", "مرحبا", "بالعالم", "\u200f", "\u202e"];

/** A seeded Lehmer stream in [0, 1). */
function rng(seed: number): () => number {
  let s = (seed % 2147483646) + 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * `length` UTF-16 code units of `script` text (a surrogate pair may be cut at the very end, like a client that
 * truncates by code unit would). `nul: false` leaves out U+0000, which no command line can carry.
 */
export function fuzzText(script: Script, length: number, seed = length, opts: { nul?: boolean } = {}): string {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const low = opts.nul === false ? 1 : 0;
  const piece = (s: Script): string => {
    switch (s) {
      case "latin": return `${pick(WORDS)} `;
      case "code": return `${pick(CODE)}${next() < 0.3 ? "\n" : " "}`;
      case "cjk": return String.fromCodePoint(0x4e00 + Math.floor(next() * 20_000));
      case "emoji": return next() < 0.2 ? "👩‍👩‍👧 " : String.fromCodePoint(0x1f300 + Math.floor(next() * 700));
      case "combining": return `a${"\u0301\u0308\u0323\u20dd".slice(0, 1 + Math.floor(next() * 4))}`;
      case "rtl": return `${pick(RTL)} `;
      case "control": return String.fromCharCode(low + Math.floor(next() * (32 - low)));
      case "mixed": return piece(pick(SCRIPTS.filter((x) => x !== "mixed")));
    }
  };
  const parts: string[] = [];
  let n = 0;
  while (n < length) {
    const p = piece(script);
    parts.push(p);
    n += p.length;
  }
  return parts.join("").slice(0, length);
}
