/** @module Test helper: ≥ 500 varied, deterministic sentences (short, long, unicode, punctuation, code, empty). */

const FIXED = [
  "",
  " ",
  "a",
  "Hello world",
  "The quick brown fox jumps over the lazy dog.",
  "We use pnpm, not npm, in this repository.",
  "DATABASE MIGRATIONS RUN ON DEPLOY!!!",
  "naïve café résumé coöperate",
  "日本語のテキストも保存できます。",
  "Привет, как дела?",
  "emoji 😀🎉👍🏽 and flags 🇩🇪",
  "ﬁ ligature and full-width １２３ ＡＢＣ",
  "tabs\tand\nnewlines\r\nmixed",
  "  leading and trailing spaces  ",
  "double  spaces   here",
  "const x = await fetch(`/api/v1/users?id=${id}`);",
  "fn main() { println!(\"{}\", 1 + 2); }",
  "SELECT * FROM memories WHERE seq IN (1, 2, 3) ORDER BY created_at DESC;",
  "git rebase -i HEAD~3 && git push --force-with-lease",
  "https://example.com/path/to/page?query=1&x=y#frag",
  "user@example.com wrote: \"it's fine\" — really?",
  "$3.50 + 20% tax = $4.20; 1e-9 < x <= 2^31",
  "#hashtag @mention :) :-( <3 ¯\\_(ツ)_/¯",
  "O'Neil's co-worker's e-mail wasn't delivered.",
  "x".repeat(300),
  "word ".repeat(200).trim(),
  "\u0000 control \u0007 chars \u001b[31m red",
  "zero\u200bwidth\u200dspace",
  "العربية من اليمين إلى اليسار",
  "한국어 문장입니다",
  "Ελληνικά γράμματα",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters 𝟙𝟚𝟛",
];

const WORDS = (
  "the of and to in is was for on that with as by at from it an be are this which or have not but had his they you were " +
  "memory agent database index vector query embedding retrieval model token context session project bug fix deploy test " +
  "build release config error warning cache latency throughput migration schema commit branch merge review decision lesson " +
  "prefer always never use avoid because when after before during tomorrow yesterday meeting user customer server client " +
  "TypeScript Bun SQLite ONNX Python Rust Kubernetes Docker Linux macOS Windows API JSON YAML HTTP TLS OAuth"
).split(" ");
const EXTRAS = ["ünïcödé", "日本語", "😀", "naïve café", "C++", "foo_bar()", "i++", "a->b", "x::y", "#tag", "@user", "1,234.56", "3:45pm", "C:\\Users\\me", "~/.config", "¿qué?", "ß", "Ⅻ", "½", "™"];

/** A seeded generator, so every run tests the same sentences. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export function paritySentences(count = 560): string[] {
  const rnd = rng(7);
  const out = [...FIXED];
  while (out.length < count) {
    const n = 1 + Math.floor(rnd() ** 2 * (rnd() < 0.08 ? 220 : 30));
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      const w = r < 0.1 ? EXTRAS[Math.floor(rnd() * EXTRAS.length)]! : WORDS[Math.floor(rnd() * WORDS.length)]!;
      parts.push(r > 0.9 ? w.toUpperCase() : r > 0.8 ? w[0]!.toUpperCase() + w.slice(1) : w);
      if (rnd() < 0.08) parts.push([",", ".", ";", "!", "?", " -", "(", ")", "\"", "'"][Math.floor(rnd() * 10)]!);
    }
    out.push(parts.join(rnd() < 0.07 ? "" : " ") + (rnd() < 0.5 ? "." : ""));
  }
  return out;
}
