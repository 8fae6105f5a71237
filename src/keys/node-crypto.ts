/**
 * @module node:crypto, loaded at its first use. Every command opens a store, and the modules that encrypt one
 * (store/aead-codec.ts, keys/) are imported with it: loading node:crypto (and the streams it brings) cost each
 * command on a plain store ~2 ms of start-up for nothing.
 */
let loaded: typeof import("node:crypto") | undefined;

export function nodeCrypto(): typeof import("node:crypto") {
  return (loaded ??= require("node:crypto") as typeof import("node:crypto"));
}
