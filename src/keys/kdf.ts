/**
 * @module Passphrase → key with scrypt (node:crypto), memory-hard. The parameters and salt live in the store's
 * encryption record; the derived key is cached for the process, so the cost (~0.3 s at the default N = 2^17)
 * is paid at most once per process, and long-lived ones (`cairn mcp`, the hook daemon) pay it once.
 */
import type { KdfParams } from "../store/encryption-record.ts";
import { nodeCrypto } from "./node-crypto.ts";

export const DEFAULT_LOG_N = 17;

const cache = new Map<string, Uint8Array>();

export function newKdfParams(logN = DEFAULT_LOG_N): KdfParams {
  return { name: "scrypt", logN, r: 8, p: 1, salt: nodeCrypto().randomBytes(16).toString("hex") };
}

export function deriveKey(passphrase: string, kdf: KdfParams): Uint8Array {
  const id = `${kdf.logN}:${kdf.r}:${kdf.p}:${kdf.salt}:${new Bun.CryptoHasher("sha256").update(passphrase).digest("hex")}`;
  let key = cache.get(id);
  if (!key) {
    const N = 2 ** kdf.logN;
    key = new Uint8Array(nodeCrypto().scryptSync(passphrase.normalize("NFC"), Buffer.from(kdf.salt, "hex"), 32, { N, r: kdf.r, p: kdf.p, maxmem: 256 * N * kdf.r + 1024 * 1024 }));
    cache.set(id, key);
  }
  return key;
}
