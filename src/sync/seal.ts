/**
 * @module Sealing one change record under the team key: AES-256-GCM with a fresh 96-bit nonce, and associated
 * data binding it to its slot (team, device, device counter), so the server can neither alter a record nor
 * move or replay it into another slot unnoticed. Also the opaque memory id the server sees (an HMAC).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export interface Slot {
  team: string;
  device: string;
  counter: number;
}

function aad(slot: Slot): Buffer {
  return Buffer.from(`cairn-sync/${VERSION}\n${slot.team}\n${slot.device}\n${slot.counter}`, "utf8");
}

/** version byte ‖ nonce ‖ ciphertext ‖ tag. */
export function seal(key: Uint8Array, slot: Slot, plaintext: string): Uint8Array {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad(slot));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** The plaintext, or null when the record was not sealed by this key for this slot (or was altered). */
export function open(key: Uint8Array, slot: Slot, sealed: Uint8Array): string | null {
  if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION) return null;
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(1, 1 + NONCE));
    decipher.setAAD(aad(slot));
    decipher.setAuthTag(buf.subarray(buf.length - TAG));
    return Buffer.concat([decipher.update(buf.subarray(1 + NONCE, buf.length - TAG)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** The id the server sees for a memory: keyed, so it links a memory's records without naming the memory. */
export function opaqueId(key: Uint8Array, memoryId: string): string {
  return createHmac("sha256", key).update(`memory-id\n${memoryId}`).digest("base64url").slice(0, 32);
}
