/**
 * @module The compiled binary with its embedded models: a copy in an empty directory runs hybrid recall
 * offline (ONNX runtime + USE-lite from inside the binary); switching to an added HF model re-embeds; a
 * missing or corrupt model gives a doctor failure, a visible recall warning and keyword results.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFixtureModels } from "../../scripts/make-fixture-models.ts";
import { requireBinary } from "../helpers/bin.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

let root: string;
let bin: string;
let fixtures: { embedder: string; reranker: string };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-binmodels-"));
  bin = join(root, "empty", "cairn");
  Bun.spawnSync(["mkdir", "-p", join(root, "empty")]);
  copyFileSync(requireBinary(), bin);
  Bun.spawnSync(["chmod", "755", bin]);
  fixtures = makeFixtureModels(join(root, "fixtures"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cairn(home: string, args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([bin, ...args], {
    cwd: join(root, "empty"),
    // Nothing inherited: no PATH to node_modules, no HOME caches; the binary must bring everything.
    // The background embedding worker stays off: `models use --wait` must be the one embedding, not a worker
    // a `remember` started racing it (that race made "embedded" 0 about one run in four).
    env: { CAIRN_HOME: home, HOME: join(root, "nohome"), CAIRN_EMBED_WORKER: "off", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

function seed(home: string) {
  return Promise.all([
    cairn(home, ["remember", "We deploy database migrations every Friday afternoon."]),
    cairn(home, ["remember", "The office cat likes sleeping on the warm keyboard."]),
    cairn(home, ["remember", "Use pnpm instead of npm for installing packages."]),
  ]);
}

describe("embedded models in the compiled binary", () => {
  test("hybrid recall works from a copy in an empty directory, with no warnings", async () => {
    const home = join(root, "h1");
    for (const r of await seed(home)) expect(r.exitCode).toBe(0);
    const r = await cairn(home, ["recall", "kitten napping on a computer", "--json", "--explain"]);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.mode).toBe("hybrid");
    expect(out.channels).toEqual(["keyword", "dense"]);
    expect(out.warnings).toBeUndefined();
    expect(r.stderr).toBe("");
    // No shared word with the query: only the embedding can find it.
    expect(out.results[0].content).toMatch(/cat/);
    expect(existsSync(join(home, "cache", "ort"))).toBe(true);
    const doctor = await cairn(home, ["doctor", "--json"]);
    expect(doctor.exitCode).toBe(0);
    const checks = JSON.parse(doctor.stdout).checks as Array<{ name: string; level: string }>;
    expect(checks.find((c) => c.name === "model")?.level).toBe("ok");
    expect(checks.find((c) => c.name === "vectors")?.level).toBe("ok");
    expect(checks.find((c) => c.name === "query path")?.level).toBe("ok");
    // The one-shot query path's weights were extracted to the cache; damaged there (same size), doctor says so.
    const models = join(home, "cache", "models");
    const dir = readdirSync(models).find((n) => n.startsWith("use-lite-q8-"));
    expect(dir).toBeDefined();
    const weights = join(models, dir!, "use-lite.q8");
    const bytes = readFileSync(weights);
    bytes.fill(127, bytes.length - (1 << 20));
    writeFileSync(weights, bytes);
    const damaged = await cairn(home, ["doctor", "--json"]);
    expect(damaged.exitCode).toBe(1);
    const check = JSON.parse(damaged.stdout).checks.find((c: { name: string }) => c.name === "query path");
    expect(check.level).toBe("fail");
    expect(check.detail).toContain(models);
    // As it says: the cache goes, the binary extracts it again.
    rmSync(models, { recursive: true, force: true });
    expect((await cairn(home, ["doctor", "--json"])).exitCode).toBe(0);
  });

  test("models add of a folder that does not load: a plain error, nothing added, no folder left behind", async () => {
    const home = join(root, "h-bad");
    await seed(home);
    const bad = join(root, "bad-model");
    mkdirSync(join(bad, "onnx"), { recursive: true });
    writeFileSync(join(bad, "config.json"), "{}");
    writeFileSync(join(bad, "tokenizer.json"), "{}");
    writeFileSync(join(bad, "tokenizer_config.json"), "{}");
    writeFileSync(join(bad, "onnx", "model.onnx"), "junk");
    const r = await cairn(home, ["models", "add", bad]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(`Cannot use the model folder "${bad}": it does not load`);
    expect(r.stderr).not.toContain("keyword-only");
    // The library's own warnings stay out of cairn's output (QA: a stray `Unknown model class "null"` line).
    expect(r.stderr).not.toContain("Unknown model class");
    expect(existsSync(join(home, "models"))).toBe(false);
    expect((await cairn(home, ["models", "add", bad, "--min-score", "5"])).stderr).toContain("--min-score takes a cosine from 0 to 1");
  });

  test("models add + use --wait re-embeds under the new id; reembed reports on stderr", async () => {
    const home = join(root, "h2");
    await seed(home);
    expect((await cairn(home, ["models", "add", fixtures.embedder])).exitCode).toBe(0);
    const use = await cairn(home, ["models", "use", "tiny-bert", "--wait", "--json"]);
    expect(use.exitCode).toBe(0);
    expect(JSON.parse(use.stdout)).toMatchObject({ model: "tiny-bert", embedded: 3, remaining: 0 });
    expect(use.stderr).toMatch(/tiny-bert: embedded 3\/3/);
    const list = JSON.parse((await cairn(home, ["models", "list", "--json"])).stdout);
    expect(list.model).toBe("tiny-bert");
    expect(list.models.find((m: { id: string }) => m.id === "tiny-bert")).toMatchObject({ active: true, vectors: 3, dims: 32 });
    const r = JSON.parse((await cairn(home, ["recall", "database", "--json"])).stdout);
    expect(r.channels).toEqual(["keyword", "dense"]);
    expect(r.warnings).toBeUndefined();
  });

  for (const kind of ["missing", "corrupt"] as const) {
    test(`a ${kind} model: doctor fails, recall warns once on stderr and returns keyword results`, async () => {
      const home = join(root, `h-${kind}`);
      await seed(home);
      let env: Record<string, string> = {};
      if (kind === "missing") env = { CAIRN_MODEL: "no-such-model" };
      else {
        expect((await cairn(home, ["models", "add", fixtures.embedder])).exitCode).toBe(0);
        expect((await cairn(home, ["models", "use", "tiny-bert", "--wait"])).exitCode).toBe(0);
        writeFileSync(join(home, "models", "tiny-bert", "onnx", "model.onnx"), "garbage, not protobuf");
      }
      const doctor = await cairn(home, ["doctor", "--json"], env);
      expect(doctor.exitCode).toBe(1);
      const model = JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "model");
      expect(model.level).toBe("fail");
      expect(model.detail).toMatch(/keyword-only/);
      const human = await cairn(home, ["recall", "database migrations"], env);
      expect(human.exitCode).toBe(0);
      expect(human.stdout).toMatch(/Friday/);
      expect(human.stderr.match(/warning:/g)).toHaveLength(1);
      expect(human.stderr).toMatch(/unavailable/);
      const json = JSON.parse((await cairn(home, ["recall", "database migrations", "--json"], env)).stdout);
      expect(json.channels).toEqual(["keyword"]);
      expect(json.results[0].content).toMatch(/Friday/);
      expect(json.warnings[0]).toMatch(/keyword-only/);
    });
  }

  test("a corrupt reranker: doctor and recall say recall goes on without reranking, not keyword-only", async () => {
    const home = join(root, "h-bad-reranker");
    await seed(home);
    expect((await cairn(home, ["models", "add", fixtures.reranker])).exitCode).toBe(0);
    writeFileSync(join(home, "models", "tiny-cross-encoder", "onnx", "model.onnx"), "garbage, not protobuf");
    const doctor = await cairn(home, ["doctor", "--json"]);
    const reranker = JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "reranker");
    expect(reranker.level).toBe("fail");
    expect(reranker.detail).toContain('Reranker "tiny-cross-encoder" is unavailable');
    expect(reranker.detail).not.toMatch(/keyword-only/);
    // Two or more results, or there is nothing to rerank.
    const json = JSON.parse((await cairn(home, ["recall", "database migrations and the warm keyboard", "--json"])).stdout);
    expect(json.results.length).toBeGreaterThanOrEqual(2);
    expect(json.warnings.join(" ")).toContain("without reranking");
    expect(json.warnings.join(" ")).not.toMatch(/keyword-only/);
  });

  test("a running cairn mcp follows `models use`: what it writes next is embedded with the new model", async () => {
    const home = join(root, "h-follow");
    await seed(home);
    expect((await cairn(home, ["models", "add", fixtures.embedder])).exitCode).toBe(0);
    const env = { CAIRN_HOME: home, HOME: join(root, "nohome"), CAIRN_EMBED_WORKER: "off" };
    const mcp = new McpProcess(bin, { home, cwd: join(root, "empty"), env });
    try {
      await mcp.initialize();
      expect((await cairn(home, ["models", "use", "tiny-bert", "--wait"])).exitCode).toBe(0);
      const tinyVectors = async () => JSON.parse((await cairn(home, ["models", "list", "--json"])).stdout).models.find((m: { id: string }) => m.id === "tiny-bert").vectors;
      expect(await tinyVectors()).toBe(3);
      // The server looks at the configuration between requests (every 2 s while idle); then a write of its own
      // is embedded in process, with the model now configured (the worker is off: nothing else embeds it).
      await Bun.sleep(4500);
      const wrote = await mcp.call("remember", { content: "Nightly backups are copied to the offsite bucket at 03:00." });
      expect(wrote.result.isError).toBeFalsy();
      let vectors = 3;
      for (let i = 0; i < 40 && vectors < 4; i++) {
        await Bun.sleep(250);
        vectors = await tinyVectors();
      }
      expect(vectors).toBe(4);
    } finally {
      mcp.closeStdin();
      await mcp.exited;
    }
  });
});
