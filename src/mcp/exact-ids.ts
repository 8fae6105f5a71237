/**
 * @module Request ids kept exact. JSON.parse reads a number id beyond 2^53 (a client's 64-bit counter) as a nearby
 * double, and the SDK's schema takes safe integers only: 9007199254740993 was refused as "not a JSON-RPC 2.0
 * request" under the id 9007199254740992, a reply its client could never match (QA). Such an id (a fraction too)
 * stands in the message as a string of this transport's own while it is handled, and every reply to it carries
 * the number text the client sent.
 */
import { isJsonNumber, TopLevelIdScanner } from "./message-id.ts";

export class ExactIds {
  /** Random, so no id a client sends is taken for a stand-in. */
  readonly #prefix = `cairn-id:${crypto.randomUUID()}:`;
  #next = 0;
  /** Stand-in → the id's number text, until the message is answered. */
  readonly #raw = new Map<string, string>();

  /**
   * The id of `value` (parsed from `line`), replaced in `value` by a stand-in when it is a number JSON.parse did not
   * keep exact; the id as parsed otherwise, and for a client's response (nothing answers it to give the id back).
   */
  take(value: unknown, line: string): unknown {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== "number" || Number.isSafeInteger(id) || "result" in (value as object) || "error" in (value as object)) return id;
    const raw = numberText(line);
    if (raw === null) return id;
    const stand = `${this.#prefix}${this.#next++}`;
    this.#raw.set(stand, raw);
    (value as { id: unknown }).id = stand;
    return stand;
  }

  /** `message` as one JSON line, a stand-in id given back as the number sent; a reply settles it. */
  line(message: { id?: unknown; method?: unknown }): string {
    const raw = typeof message.id === "string" ? this.#raw.get(message.id) : undefined;
    if (raw === undefined) return JSON.stringify(message);
    if (!("method" in message)) this.#raw.delete(message.id as string);
    return withNumberId(message, raw);
  }
}

/** The top-level id of `line` as its number text, when it is a number. */
function numberText(line: string | Uint8Array): string | null {
  const scanner = new TopLevelIdScanner();
  scanner.feed(typeof line === "string" ? Buffer.from(line) : line);
  scanner.finish();
  return scanner.numberText;
}

/** `message` serialised with `raw` (a JSON number's text) as its id. */
export function withNumberId(message: object, raw: string): string {
  if (!isJsonNumber(raw)) throw new Error(`not a JSON number: ${raw}`);
  const rest = JSON.stringify({ ...message, id: undefined }); // an undefined member is left out
  return rest === "{}" ? `{"id":${raw}}` : `{"id":${raw},${rest.slice(1)}`;
}
