/** @module Test helper: a seeded stream in (0, 1) (Park–Miller), so generated data is the same on every run. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}
