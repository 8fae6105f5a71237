/**
 * @module Zero egress, in practice: with no network at all (a fresh network namespace, `unshare -n`), every
 * part of cairn works — remember, hybrid recall with the embedded model, an MCP session, hook events.
 * Skipped, saying so, where the machine does not allow a network namespace.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";

const UNSHARE = Bun.which("unshare");
const canUnshare = UNSHARE !== null && Bun.spawnSync([UNSHARE, "-n", "true"]).exitCode === 0;

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-offline-");
});
afterEach(() => s.cleanup());

const offline = (args: string[], stdin?: string) => {
  const proc = Bun.spawnSync([UNSHARE!, "-n", requireBinary(), ...args], { cwd: s.cwd, env: s.env({ CAIRN_HOOK_DAEMON: "off" }), stdin: stdin === undefined ? "ignore" : Buffer.from(stdin) });
  return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
};

test.skipIf(!canUnshare)(
  `with no network (unshare -n${canUnshare ? "" : ": not allowed on this machine, skipped"}): remember, hybrid recall, MCP and hooks all work`,
  async () => {
    expect(offline(["remember", "Releases are cut from the release branch every second Tuesday"]).code).toBe(0);
    const recall = offline(["recall", "when do we cut releases", "--mode", "hybrid", "--json"]);
    expect(recall.code).toBe(0);
    expect(recall.out).toContain("second Tuesday");
    expect(recall.err).not.toContain("warning");

    const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env(), wrap: [UNSHARE!, "-n"] });
    try {
      await mcp.initialize();
      const r = await mcp.call("recall", { query: "release branch", mode: "hybrid" });
      expect(JSON.stringify(r.result)).toContain("second Tuesday");
      mcp.closeStdin();
      expect(await mcp.exited).toBe(0);
    } finally {
      await mcp.kill();
    }

    const prompt = fixture("prompt", { cwd: s.cwd, prompt: "from now on always run the linter before committing", session: "off-1" });
    expect(offline(["hook", "prompt"], prompt).code).toBe(0);
    expect(offline(["list", "--json"]).out).toContain("linter");
  },
  60_000,
);
