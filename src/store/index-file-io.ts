/**
 * @module What the index files beside the database (vector-file.ts, text-index-file.ts) share: their arrays
 * written one after another into the file's bytes, reads at an offset that fail rather than come back short,
 * and descriptors closed when the object reading through them is collected without being closed.
 */
import { closeSync, readSync } from "node:fs";

/** Copies typed arrays into `bytes` one after another from `at`; returns the function that appends one. */
export function sections(bytes: Uint8Array, at: number): (a: ArrayBufferView) => void {
  return (a) => {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  };
}

/** Fills `into` from `fd` at `position`; throws when the file ends first. */
export function readFullyAt(fd: number, into: Uint8Array, position: number, what: string): void {
  for (let got = 0; got < into.byteLength; ) {
    const n = readSync(fd, into, got, into.byteLength - got, position + got);
    if (n === 0) throw new Error(`${what} ends early`);
    got += n;
  }
}

/** Closes the descriptor of an object dropped without being closed (register it with the descriptor). */
export const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});
