/**
 * @module One contract for both content codecs (plain and AES-256-GCM): values round-trip, names compare
 * equal, the index finds what the text says; and the same engine behaviour on a plain and an encrypted store.
 * The AEAD codec additionally binds each value to its place and refuses altered or moved values.
 */
import { describe, expect, test } from "bun:test";
import { AeadCodec } from "../../src/store/aead-codec.ts";
import { type ContentCodec, PLAIN_CODEC, place } from "../../src/store/content-codec.ts";
import { CairnError } from "../../src/errors.ts";
import { packedBytes } from "../../src/store/vector-codec.ts";
import { T0, testEngine } from "../helpers/engine.ts";

const key = () => crypto.getRandomValues(new Uint8Array(32));
const CODECS: Array<[string, () => ContentCodec]> = [
  ["plain", () => PLAIN_CODEC],
  ["aead", () => new AeadCodec(key(), "/tmp/x/cairn.db")],
];

for (const [name, make] of CODECS) {
  describe(`codec contract: ${name}`, () => {
    test("text, bytes and names round-trip; unicode and empty values too", () => {
      const c = make();
      for (const text of ["", "we deploy with pnpm", "東京タワー 🚀 naïve", "x".repeat(100_000)]) {
        const where = place("memories", "content", "id-1");
        expect(c.decode(c.encode(text, where), where, "memory id-1")).toBe(text);
        expect(c.decodeName(c.encodeName(text, "project"), "project", "a project")).toBe(text);
      }
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      expect([...c.decodeBytes(c.encodeBytes(bytes, "v"), "v", "vector")]).toEqual([...bytes]);
    });

    test("a name has one stored form (SQL compares it); different names differ", () => {
      const c = make();
      expect(c.encodeName("github.com/acme/app", "project")).toBe(c.encodeName("github.com/acme/app", "project"));
      expect(c.encodeName("github.com/acme/app", "project")).not.toBe(c.encodeName("github.com/acme/api", "project"));
      expect(c.keyedHash("abc")).toBe(c.keyedHash("abc"));
      expect(c.keyedHash("abc")).not.toBe(c.keyedHash("abd"));
    });

    test("the index policy: a query for a word (any inflection) matches text holding it, phrases keep their order", () => {
      const c = make();
      const doc = c.indexText("Deploying the Workers to 東京 region");
      const query = c.indexQuery('"workers" OR "deploy" OR "東 京"');
      expect(typeof doc).toBe("string");
      expect(query.split(" OR ")).toHaveLength(3);
    });
  });
}

describe("codec contract: aead only", () => {
  const c = new AeadCodec(key(), "/data/cairn.db");
  const where = place("memories", "content", "id-1");

  test("values are ciphertext with a fresh nonce per write", () => {
    const a = c.encode("secret marker", where);
    expect(a).not.toContain("secret");
    expect(a).not.toBe(c.encode("secret marker", where));
    expect(c.indexText("secret marker")).not.toContain("secret");
    expect(c.indexQuery('"secret"*')).not.toContain("secret");
  });

  test("a value moved to another row or column, altered, or under another key is refused, naming it", () => {
    const stored = c.encode("text", where);
    const fails = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(CairnError);
        expect((err as CairnError).code).toBe("TAMPERED");
        expect((err as CairnError).message).toContain("memory id-1");
        return;
      }
      throw new Error("decoded");
    };
    fails(() => c.decode(stored, place("memories", "content", "id-2"), "memory id-1"));
    fails(() => c.decode(stored, place("memories", "metadata", "id-1"), "memory id-1"));
    const raw = Buffer.from(stored.slice(3), "base64");
    raw[20]! ^= 1;
    fails(() => c.decode(`c1:${raw.toString("base64")}`, where, "memory id-1"));
    fails(() => new AeadCodec(key(), "/data/cairn.db").decode(stored, where, "memory id-1"));
    fails(() => c.decode("plain text", where, "memory id-1"));
  });
});

for (const encrypted of [false, true]) {
  describe(`store contract: ${encrypted ? "encrypted" : "plain"} store`, () => {
    test("remember, recall, filters by project and tag, duplicates, history, projects, holds", async () => {
      const { engine, store, advance } = testEngine({ project: "/work/app", encrypted });
      const a = engine.remember({ content: "Deploys go through the staging cluster first", tags: ["ops", "deploy"], metadata: { file: "src/deploy.ts" } });
      advance(1000);
      engine.remember({ content: "The billing service uses Postgres 16", tags: ["db"], project: "/work/billing" });
      advance(1000);
      const dup = engine.remember({ content: "deploys go through the staging cluster first." });
      expect(dup.id).toBe(a.id);
      const hits = await engine.recall({ query: "deploying staging" });
      expect(hits.results.map((r) => r.memory.id)).toEqual([a.id]);
      expect((await engine.recall({ query: "postgres", project: "/work/billing" })).results.map((r) => r.memory.tags)).toEqual([["db"]]);
      const got = engine.get(a.id)!;
      expect(got.tags).toEqual(["deploy", "ops"]);
      expect(got.metadata).toEqual({ file: "src/deploy.ts" });
      expect(store.list({ scope: { projects: ["/work/billing"], includeGlobal: false } }, T0 + 10_000, { limit: 10 }).map((m) => m.content)).toEqual([
        "The billing service uses Postgres 16",
      ]);
      expect(store.list({ scope: { projects: null, includeGlobal: true }, tags: ["ops"] }, T0 + 10_000, { limit: 10 }).map((m) => m.id)).toEqual([a.id]);
      expect(store.projects().map((p) => p.project).sort()).toEqual(["/work/app", "/work/billing"]);
      engine.update(a.id, { content: "Deploys go through staging, then canary" });
      expect(store.history(a.id).some((e) => e.contentBefore === "Deploys go through the staging cluster first")).toBe(true);
      engine.addHold({ tag: "ops", reason: "litigation 7" });
      expect(() => engine.update(a.id, { priority: 1 })).toThrow(/legal hold/);
      expect(store.policy.holds(false).map((h) => [h.target, h.reason])).toEqual([["ops", "litigation 7"]]);
      expect(store.check().tagMismatches).toBe(0);
      // Vectors: stored through the codec, read back exactly.
      const pending = store.vectors.pending("m", 10).rows;
      expect(pending.length).toBe(2);
      const vec = new Float32Array([0.5, -0.25, 1, 0]);
      expect(store.vectors.put("m", 4, pending.map((p) => ({ seq: p.seq, contentHash: p.contentHash, vector: vec })), T0)).toBe(2);
      // Stored in 4 bits + scale: each value comes back within half a step (a step: 1/7 of the largest).
      const back = store.vectors.read("m", 4);
      expect(back).toHaveLength(2);
      for (const v of back) for (let i = 0; i < 4; i++) expect(Math.abs(v.vector[i]! - vec[i]!)).toBeLessThanOrEqual(1 / 14 + 1e-7);
      const raw = store.database.query("SELECT vector FROM vectors LIMIT 1").get() as { vector: Uint8Array };
      expect(raw.vector.length).toBe(encrypted ? packedBytes(4) + 29 : packedBytes(4));
      engine.close();
    });
  });
}

describe("doctor --repair of an encrypted store", () => {
  test("the new database is encrypted under the same key, holding what could be read", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { Database } = await import("bun:sqlite");
    const { repairDatabase } = await import("../../src/store/repair.ts");
    const { SqliteStore } = await import("../../src/store/sqlite-store.ts");
    const { encryptedOptions } = await import("../helpers/engine.ts");
    const { Engine } = await import("../../src/engine/engine.ts");
    const dir = mkdtempSync(join(tmpdir(), "cairn-enc-repair-"));
    try {
      const path = join(dir, "cairn.db");
      const opts = encryptedOptions(undefined, path);
      const engine = new Engine({ store: new SqliteStore(path, opts), project: "/work/app", actor: "test" });
      const ids = ["alpha llamaword", "beta llamaword", "gamma llamaword"].map((c) => engine.remember({ content: c, tags: ["t1"] }).memory.id);
      engine.close();
      // A zeroed index page: integrity_check fails, the rows still read.
      const raw = new Database(path);
      raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
      const { rootpage } = raw.query("SELECT rootpage FROM sqlite_master WHERE name = 'memories_type'").get() as { rootpage: number };
      const { page_size } = raw.query("PRAGMA page_size").get() as { page_size: number };
      raw.close();
      const { openSync, writeSync, closeSync } = await import("node:fs");
      const fd = openSync(path, "r+");
      writeSync(fd, Buffer.alloc(page_size), 0, page_size, (rootpage - 1) * page_size);
      closeSync(fd);
      const outcome = repairDatabase(path, new Date(), { env: { CAIRN_KEY: Buffer.from(opts.key).toString("hex") }, keychain: false });
      expect(outcome.repaired).toBe(true);
      const fresh = new SqliteStore(path, { codec: opts.codec });
      expect(fresh.codec.encrypted).toBe(true);
      expect(ids.map((id) => fresh.get(id)?.content)).toEqual(["alpha llamaword", "beta llamaword", "gamma llamaword"]);
      expect(JSON.stringify(fresh.database.query("SELECT content FROM memories").all())).not.toContain("llamaword");
      fresh.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the blind index ranks like the plain one", () => {
  test("200 memories, 40 queries (words, inflections, phrases, names, CJK): the same keyword results in the same order", async () => {
    const words = ["deploy", "deploying", "deployed", "cache", "caches", "caching", "migration", "migrations", "router", "routing",
      "token", "tokens", "Postgres", "Redis", "Kubernetes", "Melanie's", "café", "naïve", "東京", "タワー", "node-gyp", "v1.2.3", "src/app.ts"];
    let x = 42;
    const pick = () => words[((x = (x * 1103515245 + 12345) % 2147483648), x) % words.length]!;
    const texts = Array.from({ length: 200 }, (_, i) => `note ${i}: ${pick()} ${pick()} and ${pick()} then ${pick()} ${pick()}`);
    const queries = [...words, ...Array.from({ length: 17 }, () => `${pick()} ${pick()}`), '"cache migration"', "Melanie Redis"];
    const run = async (encrypted: boolean) => {
      const { engine, advance } = testEngine({ encrypted });
      for (const content of texts) {
        engine.remember({ content });
        advance(1000);
      }
      const out: string[][] = [];
      for (const query of queries) out.push((await engine.recall({ query, mode: "keyword", limit: 10 })).results.map((r) => r.memory.content));
      engine.close();
      return out;
    };
    const plain = await run(false);
    expect(plain.filter((r) => r.length > 0).length).toBeGreaterThan(35);
    expect(await run(true)).toEqual(plain);
  });
});
