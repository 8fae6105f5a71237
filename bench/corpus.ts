/**
 * @module A realistic, deterministic corpus of agent memories (decisions, lessons, errors with stack
 * lines, preferences, facts about code, tasks, checkpoints, notes; 20–600 characters; Zipf-distributed
 * words; identifiers, paths, versions, numbers; a few non-English and CJK lines) and of the short queries
 * an agent would ask of it. The same seed always yields the same text, so runs are comparable.
 */
import { Rng, Zipf } from "./rng.ts";
import { DEV, DIRS, ERROR_NAMES, EXTS, FOREIGN, TOOLS, vocabulary } from "./words.ts";

export interface BenchMemory {
  content: string;
  type: string;
  tags: string[];
}

const MIN_CHARS = 20;
const MAX_CHARS = 600;

class Writer {
  readonly rng: Rng;
  readonly words: Zipf<string>;

  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.words = new Zipf(vocabulary());
  }

  word(): string {
    return this.words.sample(this.rng);
  }

  tool(): string {
    return this.rng.pick(TOOLS);
  }

  dev(): string {
    return this.rng.pick(DEV);
  }

  phrase(min: number, max: number): string {
    const n = this.rng.int(min, max);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.rng.chance(0.15) ? this.dev() : this.word());
    return out.join(" ");
  }

  sentence(min = 5, max = 16): string {
    const s = this.phrase(min, max);
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
  }

  ident(): string {
    const a = this.rng.chance(0.5) ? this.dev() : this.word();
    const b = this.rng.chance(0.5) ? this.dev() : this.word();
    const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    switch (this.rng.int(0, 3)) {
      case 0:
        return `${a}${cap(b)}`;
      case 1:
        return `${a}_${b}`;
      case 2:
        return `${cap(a)}${cap(b)}`;
      default:
        return `${a}${cap(b)}${this.rng.int(1, 9)}`;
    }
  }

  path(): string {
    return `${this.rng.pick(DIRS)}/${this.word()}/${this.ident()}.${this.rng.pick(EXTS)}`;
  }

  version(): string {
    return `${this.rng.int(0, 12)}.${this.rng.int(0, 30)}.${this.rng.int(0, 40)}`;
  }
}

type Template = (w: Writer) => string;

const TEMPLATES: Record<string, Template[]> = {
  decision: [
    (w) => `Decided to use ${w.tool()} ${w.phrase(1, 3)} because ${w.phrase(6, 18)}.`,
    (w) => `We chose ${w.tool()} over ${w.tool()} for the ${w.dev()} ${w.dev()}: ${w.phrase(5, 14)}.`,
    (w) => `Decision: keep ${w.ident()} in ${w.path()} and ${w.phrase(4, 10)}; revisit after v${w.version()}.`,
  ],
  lesson: [
    (w) => `Lesson: ${w.sentence()} Next time ${w.phrase(4, 12)}.`,
    (w) => `Learned the hard way that ${w.tool()} ${w.phrase(4, 12)} unless ${w.ident()} is set.`,
  ],
  error: [
    (w) =>
      `${w.rng.pick(ERROR_NAMES)}: ${w.phrase(3, 9)} '${w.ident()}'\n    at ${w.ident()} (${w.path()}:${w.rng.int(1, 900)}:${w.rng.int(1, 80)})\n    at ${w.ident()} (${w.path()}:${w.rng.int(1, 900)})\nFix: ${w.sentence(4, 12)}`,
    (w) => `${w.tool()} ${w.version()} fails with ${w.rng.pick(ERROR_NAMES)} on ${w.dev()} ${w.dev()} (exit code ${w.rng.int(1, 255)}); fixed by pinning ${w.tool()}@${w.version()}.`,
  ],
  preference: [
    (w) => `User prefers ${w.tool()} over ${w.tool()}; ${w.phrase(3, 10)}.`,
    (w) => `Always ${w.phrase(3, 8)} before ${w.phrase(2, 6)}. Never ${w.phrase(3, 8)}.`,
  ],
  fact: [
    (w) => `${w.path()} exports ${w.ident()}() which ${w.phrase(4, 12)}; needs ${w.tool()}@${w.version()}.`,
    (w) => `The ${w.dev()} ${w.dev()} listens on port ${w.rng.int(1024, 65535)} and ${w.phrase(4, 10)}.`,
    (w) => `${w.ident()} lives in ${w.path()}, tested by ${w.path()} (${w.rng.int(3, 400)} cases).`,
  ],
  task: [
    (w) => `TODO: ${w.phrase(2, 5)} ${w.ident()} in ${w.path()} — ${w.phrase(4, 12)} (#${w.rng.int(10, 9999)}).`,
    (w) => `Task: migrate ${w.dev()} from ${w.tool()} to ${w.tool()}; ${w.phrase(3, 10)}.`,
  ],
  checkpoint: [
    (w) => `Stopped at ${w.path()}:${w.rng.int(1, 700)} after ${w.phrase(3, 8)}; next: ${w.phrase(3, 10)}. Commit ${w.rng.hex(7)}.`,
  ],
  note: [(w) => w.sentence(4, 20), (w) => `${w.ident()}: ${w.phrase(5, 15)}.`],
};

/** Relative frequency of each type, about what an agent stores over months. */
const TYPE_MIX: Array<[string, number]> = [
  ["note", 22], ["fact", 20], ["decision", 14], ["error", 12], ["lesson", 10], ["task", 10], ["checkpoint", 7], ["preference", 5],
];
const TYPE_TOTAL = TYPE_MIX.reduce((s, [, n]) => s + n, 0);

function pickType(rng: Rng): string {
  let u = rng.next() * TYPE_TOTAL;
  for (const [type, n] of TYPE_MIX) if ((u -= n) < 0) return type;
  return "note";
}

function fitLength(w: Writer, text: string, target: number): string {
  let out = text;
  while (out.length < target) out += ` ${w.sentence()}`;
  if (out.length <= MAX_CHARS) return out;
  const cut = out.lastIndexOf(" ", MAX_CHARS);
  return out.slice(0, cut > MIN_CHARS ? cut : MAX_CHARS);
}

/** `count` memories from `seed`. A longer corpus with the same seed starts with the shorter one. */
export function generateMemories(count: number, seed = 1): BenchMemory[] {
  const out: BenchMemory[] = [];
  for (const m of memoryStream(seed)) {
    if (out.length === count) break;
    out.push(m);
  }
  return out;
}

/** The same memories one at a time, without end: for corpora too large to hold (bench/scale.ts). */
export function* memoryStream(seed = 1): Generator<BenchMemory> {
  const w = new Writer(seed);
  for (;;) {
    const type = pickType(w.rng);
    let text = w.rng.pick(TEMPLATES[type]!)(w);
    if (w.rng.chance(0.03)) text = w.rng.chance(0.5) ? w.rng.pick(FOREIGN) : `${w.rng.pick(FOREIGN)} ${text}`;
    const content = fitLength(w, text, w.rng.logUniform(MIN_CHARS, MAX_CHARS));
    const tags = w.rng.chance(0.6) ? Array.from({ length: w.rng.int(1, 3) }, () => (w.rng.chance(0.5) ? w.tool() : w.dev())) : [];
    yield { content, type, tags };
  }
}

/** The memories as a JSONL import file. */
export function toJsonl(memories: readonly BenchMemory[]): string {
  return memories.map((m) => JSON.stringify(m)).join("\n");
}

const QUERY_FORMS: Template[] = [
  (w) => w.phrase(2, 5),
  (w) => `why ${w.tool()} instead of ${w.tool()}`,
  (w) => `how do we ${w.phrase(1, 3)} ${w.dev()}`,
  (w) => `${w.rng.pick(ERROR_NAMES)} ${w.dev()} ${w.phrase(1, 3)}`,
  (w) => `${w.tool()} ${w.dev()} config`,
  (w) => `where is ${w.ident()} defined`,
  (w) => `${w.words.sampleRare(w.rng, 500)} ${w.phrase(1, 3)}`,
  (w) => `${w.words.sampleRare(w.rng, 1000)} ${w.words.sampleRare(w.rng, 1000)}`,
  (w) => `user preference ${w.phrase(1, 4)}`,
  (w) => `last checkpoint ${w.dev()} ${w.word()}`,
];

/** Short agent queries (2–8 words) from the corpus' distribution: some common words, some rare names. */
export function generateQueries(count: number, seed = 2): string[] {
  const w = new Writer(seed);
  const out: string[] = [];
  while (out.length < count) {
    const words = w.rng.pick(QUERY_FORMS)(w).split(/\s+/).slice(0, 8);
    if (words.length >= 2) out.push(words.join(" "));
  }
  return out;
}
