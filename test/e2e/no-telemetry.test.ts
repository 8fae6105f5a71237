/**
 * @module Nothing leaves the machine: onnxruntime 1.29+ starts Microsoft 1DS telemetry unless
 * ORT_DISABLE_TELEMETRY=1 is in the C environment when it initialises. These tests prove cairn sets it where
 * the native library reads it, and that the processes which load a model — CLI recall, a long MCP session,
 * `models reembed` — write nothing outside CAIRN_HOME (HOME is a fresh directory) and, where strace is
 * installed (CI installs it), never create an internet socket. Re-run on every onnxruntime upgrade.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { loadOrt } from "../../src/embed/ort.ts";
import { nativeEnv, TELEMETRY_SWITCH } from "../../src/embed/no-telemetry.ts";
import { ORT_PLATFORMS, platformKey } from "../../src/embed/platforms.ts";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

const STRACE = Bun.which("strace");
let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-telemetry-");
});
afterEach(() => sb.cleanup());

describe("onnxruntime telemetry", () => {
  test("the native environment holds ORT_DISABLE_TELEMETRY=1 once the runtime is loaded", () => {
    loadOrt();
    // Bun's process.env is a JavaScript copy; this reads what C getenv returns to the library.
    expect(nativeEnv(TELEMETRY_SWITCH)).toBe("1");
  });

  test("the bundled runtime still reads ORT_DISABLE_TELEMETRY (an upgrade that renames it fails here)", () => {
    const platform = ORT_PLATFORMS[platformKey()];
    if (!platform) throw new Error(`no onnxruntime assets for ${platformKey()}`);
    const pkg = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    const lib = readFileSync(join(pkg, "bin", "napi-v6", platform.dir, platform.libs[0]!));
    expect(lib.includes(Buffer.from(TELEMETRY_SWITCH))).toBe(true);
  });

  test("no telemetry debug log is left in /tmp by a process that loaded the model", async () => {
    await sb.ok(["remember", "Staging runs on the small cluster"]);
    const started = Date.now();
    const proc = Bun.spawn([requireBinary(), "recall", "staging cluster", "--mode", "hybrid", "--json"], { cwd: sb.cwd, env: sb.env(), stdout: "pipe", stderr: "pipe" });
    const out = await new Response(proc.stdout).text();
    expect(await proc.exited).toBe(0);
    expect(out).toContain("small cluster");
    // The telemetry SDK of onnxruntime 1.30 wrote /tmp/mat-debug-<pid>.log for every process. A file of that
    // name from an earlier process that had the same pid (older builds left hundreds) is not this one's.
    const log = `/tmp/mat-debug-${proc.pid}.log`;
    const written = existsSync(log) && statSync(log).mtimeMs >= started - 1000;
    expect(written).toBe(false);
  });

  test(
    `remember (and its embedding worker), recall, a 20 s MCP session and models reembed write nothing outside CAIRN_HOME${STRACE ? " and open no internet socket" : ""}`,
    async () => {
      const bin = requireBinary();
      const traces: string[] = [];
      const wrap = (): string[] => {
        if (!STRACE) return [];
        const file = join(sb.root, `trace-${traces.length}`);
        traces.push(file);
        return [STRACE, "-f", "-qq", "-e", "trace=socket", "-o", file];
      };
      const runTraced = async (args: string[], env: Record<string, string> = {}) => {
        const proc = Bun.spawn([...wrap(), bin, ...args], { cwd: sb.cwd, env: sb.env(env), stdout: "pipe", stderr: "pipe" });
        const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
        if (code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${code}: ${err}`);
        return out;
      };

      // With the background worker on: it loads the model in a detached child, which strace -f follows.
      await runTraced(["remember", "Deploys go through the blue-green pipeline on Fridays", "--json"], { CAIRN_EMBED_WORKER: "on" });
      const hits = JSON.parse(await runTraced(["recall", "how do we deploy", "--mode", "hybrid", "--json"]));
      expect(JSON.stringify(hits)).toContain("blue-green");

      const mcp = new McpProcess(bin, { home: sb.cairnHome, cwd: sb.cwd, env: sb.env(), wrap: wrap() });
      try {
        await mcp.initialize();
        const first = await mcp.call("recall", { query: "deploy pipeline", mode: "hybrid" });
        expect(first.result?.isError).not.toBe(true);
        // The telemetry upload was seen about 9 s after the model loaded, and again later: the session must
        // outlive that, so this waits on the clock on purpose.
        await Bun.sleep(20_000);
        const second = await mcp.call("recall", { query: "Fridays", mode: "hybrid" });
        expect(JSON.stringify(second.result)).toContain("blue-green");
        mcp.closeStdin();
        expect(await mcp.exited).toBe(0);
      } finally {
        await mcp.kill();
      }

      await runTraced(["models", "reembed", "--json"]);

      // Only what the sandbox made (cwd, home, the traces) may exist outside CAIRN_HOME.
      const outside = walk(sb.root).filter((p) => !p.startsWith("cairn-home") && !p.startsWith("trace-"));
      expect(outside.sort()).toEqual(["cwd", "home"]);

      for (const file of traces) {
        const internet = readFileSync(file, "utf8").split("\n").filter((l) => /socket\(AF_INET6?\b/.test(l));
        expect(internet).toEqual([]);
      }
      if (STRACE) expect(traces.length).toBe(4);
    },
    120_000,
  );
});

function walk(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    out.push(relative(root, full));
    if (entry.isDirectory()) out.push(...walk(root, full));
  }
  return out;
}
