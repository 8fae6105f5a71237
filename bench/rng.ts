/** @module Deterministic randomness for the benchmark corpus: a seeded PRNG and a Zipf sampler. */

/** mulberry32: tiny, fast, good enough for generating text; the same seed always gives the same stream. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A value between min and max, skewed towards min (log-uniform), like real note lengths. */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }

  hex(length: number): string {
    let s = "";
    while (s.length < length) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
}

/** Draws items with probability proportional to 1 / rank^s: a few words are everywhere, most are rare. */
export class Zipf<T> {
  readonly items: readonly T[];
  readonly #cumulative: Float64Array;

  constructor(items: readonly T[], s = 1.05) {
    this.items = items;
    this.#cumulative = new Float64Array(items.length);
    let total = 0;
    for (let i = 0; i < items.length; i++) {
      total += 1 / (i + 1) ** s;
      this.#cumulative[i] = total;
    }
    for (let i = 0; i < items.length; i++) this.#cumulative[i]! /= total;
  }

  sample(rng: Rng): T {
    const u = rng.next();
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo]!;
  }

  /** An item from the rare tail (rank beyond `fromRank`), uniformly. */
  sampleRare(rng: Rng, fromRank: number): T {
    return this.items[rng.int(Math.min(fromRank, this.items.length - 1), this.items.length - 1)]!;
  }
}
