/**
 * @module Finds the top-level `id` of a JSON-RPC message without parsing it, byte by byte, so a message
 * refused for its size (never held in memory) can still be answered under its own id: a client waiting for
 * that reply would otherwise wait for ever.
 */
/** The longest id kept; a longer one is not an id a client would wait on. */
const MAX_ID_BYTES = 256;

/** A JSON number as the grammar has it: nothing else is ever written back into a reply unquoted (exact-ids.ts). */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export function isJsonNumber(text: string): boolean {
  return JSON_NUMBER.test(text);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export class TopLevelIdScanner {
  #depth = 0;
  #inString = false;
  #escape = false;
  /** At depth 1: the next string is a key (after `{` or `,`), not a value (after `:`). */
  #keyNext = false;
  /** Bytes of the key string being read (only the first few: enough to tell "id"). */
  #key: number[] | null = null;
  /** The last key read at depth 1 was "id": its value comes next. */
  #idNext = false;
  /** Bytes of the id value being read (a string's content, or a number's characters). */
  #value: number[] | null = null;
  #valueIsString = false;
  #id: string | number | null = null;
  #numberText: string | null = null;

  /** The id, once seen (null if none was, or it was not a string or number). */
  get id(): string | number | null {
    return this.#id;
  }

  /** A number id as the message writes it (beyond 2^53 too, where {@link id} is null: exact-ids.ts). */
  get numberText(): string | null {
    return this.#numberText;
  }

  feed(bytes: Uint8Array): void {
    for (const b of bytes) this.#step(b);
  }

  /** Call at the end of the message: a number id may run up to it. */
  finish(): void {
    if (this.#value && !this.#valueIsString) this.#endValue();
  }

  #step(b: number): void {
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (b === BACKSLASH) this.#escape = true;
      else if (b === QUOTE) {
        this.#inString = false;
        if (this.#key) {
          this.#idNext = this.#key.length === 2 && this.#key[0] === 0x69 && this.#key[1] === 0x64; // "id"
          this.#key = null;
          return;
        }
        if (this.#value) this.#endValue();
        return;
      }
      const target = this.#key ?? this.#value;
      if (target && target.length <= MAX_ID_BYTES) target.push(b);
      return;
    }
    if (this.#value && !this.#valueIsString) {
      if (b === COMMA || CLOSE.has(b) || WHITESPACE.has(b)) this.#endValue();
      else if (this.#value.length <= MAX_ID_BYTES) this.#value.push(b);
    }
    if (WHITESPACE.has(b)) return;
    if (b === QUOTE) {
      this.#inString = true;
      if (this.#depth === 1 && this.#keyNext) {
        this.#key = [];
        this.#keyNext = false;
      } else if (this.#depth === 1 && this.#idNext) {
        this.#value = [];
        this.#valueIsString = true;
        this.#idNext = false;
      }
      return;
    }
    if (OPEN.has(b)) {
      this.#depth++;
      this.#keyNext = this.#depth === 1 && b === 0x7b;
      this.#idNext = false;
      return;
    }
    if (CLOSE.has(b)) {
      this.#depth--;
      return;
    }
    if (this.#depth !== 1) return;
    if (b === COMMA) this.#keyNext = true;
    else if (b === COLON) return;
    else if (this.#idNext && !this.#value) {
      this.#value = [b];
      this.#valueIsString = false;
      this.#idNext = false;
    }
  }

  #endValue(): void {
    const text = Buffer.from(this.#value!).toString("utf8");
    const isString = this.#valueIsString;
    this.#value = null;
    if (text.length > MAX_ID_BYTES) return;
    if (isString) {
      try {
        this.#id = JSON.parse(`"${text}"`) as string;
      } catch {
        // Not a well-formed string: no id to answer under.
      }
    } else {
      if (/^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) this.#id = Number(text);
      if (isJsonNumber(text)) this.#numberText = text;
    }
  }
}
