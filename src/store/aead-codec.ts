/**
 * @module The encrypting {@link ContentCodec}: AES-256-GCM through node:crypto (loaded at first use:
 * keys/node-crypto.ts; synchronous, ~6–9 µs per value in Bun; WebCrypto measured 27 µs and is async, which the
 * hook path cannot afford). Each write gets a fresh random 96-bit nonce, and the value's place (table, column,
 * row) is its associated data. Names compared in SQL get a synthetic nonce (HMAC of the name), so equal names
 * encrypt alike. Sub-keys for encryption, names, hashes and the blind index are derived from the user's key
 * with HKDF.
 */
import { cairnError } from "../errors.ts";
import { nodeCrypto } from "../keys/node-crypto.ts";
import { indexToken, rawTokens } from "../text/tokenize.ts";
import type { ContentCodec, Place } from "./content-codec.ts";

const TEXT_TAG = "c1:";
const NAME_TAG = "n1:";
const BYTES_VERSION = 1;
const NONCE = 12;
const AUTH = 16;

function subKey(master: Uint8Array, label: string): Buffer {
  return Buffer.from(nodeCrypto().hkdfSync("sha256", master, Buffer.alloc(0), `cairn ${label}`, 32));
}

/** The key check value stored with an encrypted store: tells a wrong key before anything is read or written. */
export function keyCheck(master: Uint8Array): string {
  return new Bun.CryptoHasher("sha256", subKey(master, "check")).update("cairn key check v1").digest("hex").slice(0, 32);
}

/** Bounded caches: cleared whole when full (cheap, and the working set refills them at once). */
function remember(map: Map<string, string>, key: string, value: string): void {
  if (map.size >= 50_000) map.clear();
  map.set(key, value);
}

export class AeadCodec implements ContentCodec {
  readonly encrypted = true;
  readonly keyCheck: string;
  readonly #enc: Buffer;
  readonly #name: Buffer;
  readonly #hash: Buffer;
  readonly #index: Buffer;
  readonly #location: string;
  /** The user's key, kept only to hand to this process's own threads ({@link threadKey}). */
  readonly #master: Uint8Array;
  /** Blind tokens seen recently: most words recur, and an HMAC per token is the index's main cost. */
  readonly #blind = new Map<string, string>();
  /** Names are deterministic both ways, and few (projects, tags) but read with every row: cached. */
  readonly #names = new Map<string, string>();
  readonly #namesBack = new Map<string, string>();
  readonly #hashes = new Map<string, string>();
  readonly #decoded = new Map<string, string>();

  constructor(master: Uint8Array, location: string) {
    if (master.length !== 32) throw new Error("an AES-256 key is 32 bytes");
    this.#enc = subKey(master, "encrypt");
    this.#name = subKey(master, "name");
    this.#hash = subKey(master, "hash");
    this.#index = subKey(master, "index");
    this.#location = location;
    this.#master = Uint8Array.from(master);
    this.keyCheck = keyCheck(master);
  }

  threadKey(): Uint8Array {
    return Uint8Array.from(this.#master);
  }

  encode(text: string, where: Place): string {
    return TEXT_TAG + this.#seal(Buffer.from(text, "utf8"), where, nodeCrypto().randomBytes(NONCE)).toString("base64");
  }

  decode(stored: string, where: Place, what: string): string {
    // Long-lived processes read the same rows again and again. A hit needs the same ciphertext at the same
    // place, which only an authenticated decode of exactly that put there: a changed or moved value misses.
    const id = `${where}\u0000${stored}`;
    const hit = this.#decoded.get(id);
    if (hit !== undefined) return hit;
    if (!stored.startsWith(TEXT_TAG)) throw this.#tampered(what);
    const text = this.#open(Buffer.from(stored.slice(TEXT_TAG.length), "base64"), where, what).toString("utf8");
    if (this.#decoded.size >= 4096) this.#decoded.clear();
    this.#decoded.set(id, text);
    return text;
  }

  encodeBytes(bytes: Uint8Array, where: Place): Uint8Array {
    const sealed = this.#seal(bytes, where, nodeCrypto().randomBytes(NONCE));
    const out = new Uint8Array(1 + sealed.length);
    out[0] = BYTES_VERSION;
    out.set(sealed, 1);
    return out;
  }

  decodeBytes(stored: Uint8Array, where: Place, what: string): Uint8Array {
    if (stored[0] !== BYTES_VERSION) throw this.#tampered(what);
    return new Uint8Array(this.#open(Buffer.from(stored.buffer, stored.byteOffset + 1, stored.length - 1), where, what));
  }

  encodeName(name: string, domain: string): string {
    const id = `${domain}\u0000${name}`;
    const cached = this.#names.get(id);
    if (cached !== undefined) return cached;
    const nonce = new Bun.CryptoHasher("sha256", this.#name).update(`${domain}\u0000${name}`).digest().subarray(0, NONCE);
    const stored = NAME_TAG + this.#seal(Buffer.from(name, "utf8"), `name:${domain}`, Buffer.from(nonce)).toString("base64");
    remember(this.#names, id, stored);
    return stored;
  }

  decodeName(stored: string, domain: string, what: string): string {
    const id = `${domain}\u0000${stored}`;
    const cached = this.#namesBack.get(id);
    if (cached !== undefined) return cached;
    if (!stored.startsWith(NAME_TAG)) throw this.#tampered(what);
    const name = this.#open(Buffer.from(stored.slice(NAME_TAG.length), "base64"), `name:${domain}`, what).toString("utf8");
    remember(this.#namesBack, id, name);
    return name;
  }

  keyedHash(hash: string): string {
    // One write keys the same hash several times (duplicate check, row, audit entry): a small cache.
    let out = this.#hashes.get(hash);
    if (out === undefined) {
      out = `hmac:${new Bun.CryptoHasher("sha256", this.#hash).update(hash).digest("hex")}`;
      if (this.#hashes.size >= 1024) this.#hashes.clear();
      this.#hashes.set(hash, out);
    }
    return out;
  }

  indexText(text: string): string {
    return this.#blindTokens(text).join(" ");
  }

  indexQuery(match: string): string {
    // Every term fts-query.ts builds is quoted; a prefix search (`"ab"*`) becomes an exact one: the index
    // holds hashes of whole tokens, which share no prefixes.
    return match.replace(/"([^"]*)"\*?/g, (_, inner: string) => {
      const blind = this.#blindTokens(inner);
      return `"${blind.length > 0 ? blind.join(" ") : "0"}"`;
    });
  }

  /**
   * A token's keyed hash as the index stores it: 48 bits in decimal digits, which FTS5's unicode61 and porter
   * tokenizers pass unchanged (a collision needs ~16 million distinct words for even odds).
   */
  #blindTokens(text: string): string[] {
    const out: string[] = [];
    for (const raw of rawTokens(text)) {
      // Cached by the raw token: a hit skips folding and stemming too (most words recur).
      let blind = this.#blind.get(raw);
      if (blind === undefined) {
        const token = indexToken(raw);
        blind = token === "" ? "" : new Bun.CryptoHasher("sha256", this.#index).update(token).digest().readUIntBE(0, 6).toString(10);
        remember(this.#blind, raw, blind);
      }
      if (blind !== "") out.push(blind);
    }
    return out;
  }

  #seal(plain: Uint8Array, where: Place, nonce: Buffer): Buffer {
    const c = nodeCrypto().createCipheriv("aes-256-gcm", this.#enc, nonce);
    c.setAAD(Buffer.from(where, "utf8"));
    return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
  }

  #open(sealed: Buffer, where: Place, what: string): Buffer {
    if (sealed.length < NONCE + AUTH) throw this.#tampered(what);
    try {
      const d = nodeCrypto().createDecipheriv("aes-256-gcm", this.#enc, sealed.subarray(0, NONCE));
      d.setAAD(Buffer.from(where, "utf8"));
      d.setAuthTag(sealed.subarray(sealed.length - AUTH));
      const plain = d.update(sealed.subarray(NONCE, sealed.length - AUTH));
      // GCM gives everything from update(); final() only checks the tag. Joining an empty tail copied every
      // value again (a scan of 100k encrypted vectors: ~1 µs a vector).
      const tail = d.final();
      return tail.length === 0 ? plain : Buffer.concat([plain, tail]);
    } catch (err) {
      throw this.#tampered(what, err);
    }
  }

  #tampered(what: string, cause?: unknown) {
    return cairnError("TAMPERED", [what, this.#location], cause);
  }
}
