/**
 * @module The join code: team id and team key in one string a person can paste (`cairn sync invite` prints
 * it, `cairn sync join` reads it), with a checksum so a truncated copy is refused before any network use.
 */
import { createHash } from "node:crypto";
import { cairnError } from "../errors.ts";

const PREFIX = "cairn-team1-";
const TEAM_BYTES = 16;
const KEY_BYTES = 32;

export function encodeJoinCode(team: string, key: Uint8Array): string {
  const body = Buffer.concat([Buffer.from(team, "hex"), Buffer.from(key)]);
  const check = createHash("sha256").update(body).digest().subarray(0, 4);
  return PREFIX + Buffer.concat([body, check]).toString("base64url");
}

export function decodeJoinCode(code: string): { team: string; key: Uint8Array } {
  const text = code.trim();
  const raw = text.startsWith(PREFIX) ? Buffer.from(text.slice(PREFIX.length), "base64url") : null;
  if (!raw || raw.length !== TEAM_BYTES + KEY_BYTES + 4) throw cairnError("SYNC_BAD_CODE");
  const body = raw.subarray(0, TEAM_BYTES + KEY_BYTES);
  if (!createHash("sha256").update(body).digest().subarray(0, 4).equals(raw.subarray(TEAM_BYTES + KEY_BYTES))) throw cairnError("SYNC_BAD_CODE");
  return { team: body.subarray(0, TEAM_BYTES).toString("hex"), key: new Uint8Array(body.subarray(TEAM_BYTES)) };
}
