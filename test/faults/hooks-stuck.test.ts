/**
 * @module Hooks against a daemon that stops answering (SIGSTOP): every hook still answers within its event's
 * deadline with the output the cold path gives, and the stuck daemon is killed and replaced.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEADLINE_MS } from "../../src/hooks/deadlines.ts";
import { isServing } from "../../src/hooks/warm/client.ts";
import { requireBinary } from "../helpers/bin.ts";
import { type HookFaults, hookFaults, isAlive, waitFor } from "./hook-faults.ts";

requireBinary();
setDefaultTimeout(60_000);

let w: HookFaults;
beforeEach(async () => {
  w = await hookFaults();
});
afterEach(() => w.cleanup());

const newDaemon = (old: number) => waitFor(async () => (w.daemonPid() ?? old) !== old && (await isServing(w.sock)), "a new daemon", w.log);

describe("a stopped daemon", () => {
  test("each hook answers within its deadline with the cold path's output, and a new daemon takes over", async () => {
    const cold = { prompt: (await w.prompt("cold-p", "off")).out, pre: (await w.preTool("cold-t", "off")).out };
    expect(cold.prompt).toContain("stripe-mock");
    expect(cold.pre).toContain("docker compose up -d db");

    const stuck = await w.startDaemon();
    process.kill(stuck, "SIGSTOP");
    const p = await w.prompt("w-1");
    expect(p.out).toBe(cold.prompt);
    expect(p.ms).toBeLessThan(DEADLINE_MS.prompt);
    expect(w.log()).toMatch(/prompt: the hook daemon did not answer within \d+ ms; running it cold, killed pid \d+/);

    // The stuck one is gone and another serves the next events warm.
    await waitFor(() => !isAlive(stuck), "the stopped daemon to be killed", w.log);
    await newDaemon(stuck);
    const fresh = w.daemonPid()!;
    w.pids.add(fresh);
    const t = await w.preTool("w-2");
    expect(t.out).toBe(cold.pre);
    expect(w.log()).toContain("pre-tool ok, warm");

    // The tightest deadline (SessionEnd, 1.2 s) holds too.
    process.kill(fresh, "SIGSTOP");
    const end = await w.hook("session-end", "session-end", { session: "w-1" });
    expect(end.out).toBe("");
    expect(end.ms).toBeLessThan(DEADLINE_MS["session-end"]);
    await waitFor(() => !isAlive(fresh), "the second stopped daemon to be killed", w.log);
  });

  test("a hook never kills a process the pid file names for another socket", async () => {
    const stuck = await w.startDaemon();
    const other = Bun.spawn(["sleep", "30"], { stdio: ["ignore", "ignore", "ignore"] });
    w.pids.add(other.pid);
    // A pid file naming another process for another socket (as a reused pid would look): left alone.
    await Bun.write(join(w.sb.cairnHome, "hookd.pid"), `${other.pid} 1\n`);
    process.kill(stuck, "SIGSTOP");
    const p = await w.prompt("w-3");
    // Failed once in a full local run (empty output after 12.6 s) and never alone: say what the hook logged.
    if (!p.out.includes("stripe-mock")) console.error(`prompt took ${p.ms} ms; the hook log:\n${w.log()}`);
    expect(p.out).toContain("stripe-mock");
    expect(isAlive(other.pid)).toBe(true);
    expect(w.log()).toMatch(/prompt: the hook daemon did not answer within \d+ ms; running it cold, removed its socket/);
    // Without its socket the stuck daemon is out of the way: a new one serves the next hook warm.
    await newDaemon(other.pid);
    w.pids.add(w.daemonPid()!);
    expect((await w.prompt("w-4")).out).toContain("stripe-mock");
    expect(w.log()).toContain("prompt ok, warm");
  });
});
