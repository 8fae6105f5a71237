/**
 * @module The vector index file through the binary: `models reindex` writes it, doctor checks it (fresh,
 * checksums), a damaged file is reported, ignored by recall and rebuilt by `doctor --repair`, the background
 * worker writes it once nothing is left to embed, and `forget --hard` removes it.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, type DoctorReport, type Sandbox } from "../helpers/sandbox.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-vix-");
});
afterEach(() => sb.cleanup());

const indexCheck = async (args: string[] = []) => (await sb.json<DoctorReport>(["doctor", "--json", ...args])).checks.find((c) => c.name === "vector index");
const file = () => join(sb.cairnHome, "vectors-use-lite-512.idx");

async function waitFor(what: string, cond: () => boolean, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

test("reindex writes the file, doctor checks it, a damaged one is ignored by recall and rebuilt by --repair", async () => {
  await sb.ok(["remember", "The billing service retries webhooks three times"]);
  await sb.ok(["remember", "Staging deploys need the VPN"]);
  await sb.ok(["models", "reembed"]);
  const r = await sb.json<{ indexes: Array<{ written: boolean; vectors: number; state: string }> }>(["models", "reindex", "--json"]);
  expect(r.indexes).toEqual([expect.objectContaining({ written: true, vectors: 2, state: "fresh" })]);
  expect(readFileSync(file()).includes(Buffer.from("billing"))).toBe(false);
  expect(await indexCheck()).toMatchObject({ level: "ok" });

  const bytes = readFileSync(file());
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x7f;
  writeFileSync(file(), bytes);
  expect((await indexCheck())?.level).toBe("warn");
  const hits = await sb.json<{ results: Array<{ content: string }> }>(["recall", "payment webhooks retried", "--mode", "hybrid", "--json"]);
  expect(hits.results[0]?.content).toContain("webhooks");
  const repaired = await indexCheck(["--repair"]);
  expect(repaired).toMatchObject({ level: "ok" });
  expect(repaired?.detail).toContain("rebuilt");
});

test("the background worker writes the file after embedding; forget --hard removes it", async () => {
  const on = { env: { CAIRN_EMBED_WORKER: "on" } };
  await sb.ok(["remember", "The billing service retries webhooks three times"], on);
  await waitFor("the worker to write the index file", () => existsSync(file()) && !existsSync(join(sb.cairnHome, "embed-worker.lock")));
  const list = await sb.json<{ results: Array<{ id: string }> }>(["recall", "billing webhooks", "--json"]);
  await sb.ok(["forget", list.results[0]!.id, "--hard", "--yes"]);
  expect(readdirSync(sb.cairnHome).filter((n) => n.includes(".idx"))).toEqual([]);
});

test("an import that embeds has the index files written in the background right after (QA: the first recall after it read every vector)", async () => {
  const lines = ["The billing service retries webhooks three times", "Staging deploys need the VPN"].map((content) => JSON.stringify({ content })).join("\n");
  await sb.ok(["import", "-"], { stdin: `${lines}\n`, env: { CAIRN_EMBED_WORKER: "on" } });
  await waitFor("the index file after the import", () => existsSync(file()) && !existsSync(join(sb.cairnHome, "embed-worker.lock")));
  expect(await indexCheck()).toMatchObject({ level: "ok" });
});

test("an encrypted store's file is sealed: the worker writes it, doctor opens every list, recall uses it; decrypt removes it", async () => {
  const env = { CAIRN_NO_PROMPT: "1" };
  await sb.ok(["init", "--encrypt"], { env });
  await sb.ok(["remember", "The billing service retries webhooks three times"], { env: { ...env, CAIRN_EMBED_WORKER: "on" } });
  await waitFor("the worker to write the index file", () => existsSync(file()) && !existsSync(join(sb.cairnHome, "embed-worker.lock")));
  expect(readFileSync(file()).subarray(0, 8).toString()).toBe("CAIRNVXE");
  const check = (await sb.json<DoctorReport>(["doctor", "--json"], { env })).checks.find((c) => c.name === "vector index");
  expect(check).toMatchObject({ level: "ok" });
  expect(check?.detail).toContain("sealed, every list opens under the key");
  const hits = await sb.json<{ results: Array<{ content: string }> }>(["recall", "payment webhooks retried", "--mode", "hybrid", "--json"], { env });
  expect(hits.results[0]?.content).toContain("webhooks");
  await sb.ok(["decrypt"], { env });
  expect(readdirSync(sb.cairnHome).filter((n) => n.includes(".idx"))).toEqual([]);
});
