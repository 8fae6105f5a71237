/** @module Hashes as stored: digests and keyed digests as bytes, anything else as text, each read back as written. */
import { expect, test } from "bun:test";
import { hashText, storedHash } from "../../src/store/stored-hash.ts";

const digest = new Bun.CryptoHasher("sha256").update("x").digest("hex");

test("a digest is its 32 bytes, a keyed one a tag and its 32; both read back as the text written", () => {
  const plain = storedHash(digest);
  expect(plain).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(plain as Uint8Array).toString("hex")).toBe(digest);
  const keyed = storedHash(`hmac:${digest}`) as Uint8Array;
  expect(keyed.byteLength).toBe(33);
  expect(hashText(plain)).toBe(digest);
  expect(hashText(keyed)).toBe(`hmac:${digest}`);
  // As SQLite hands a blob back: a view into a larger buffer.
  const inside = new Uint8Array(64);
  inside.set(keyed, 7);
  expect(hashText(inside.subarray(7, 40))).toBe(`hmac:${digest}`);
});

test("other forms stay text and read back unchanged", () => {
  const near = [digest.toUpperCase(), `${digest.slice(0, 63)}g`, `${digest.slice(0, 31)}é${digest.slice(32)}`, `hmac:${digest.slice(0, 63)}G`];
  for (const text of ["h", "hmac:abc", ...near, `${digest}0`, `hmac:${digest.slice(1)}`, `sha256:${digest}`]) {
    expect(storedHash(text)).toBe(text);
    expect(hashText(storedHash(text))).toBe(text);
  }
  expect(storedHash(null)).toBeNull();
  expect(hashText(null)).toBeNull();
});
