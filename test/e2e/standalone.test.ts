/**
 * @module The binary stands alone: a copy of `dist/cairn` in an empty directory, with no node_modules reachable
 * on PATH and a bare environment, still runs every basic command.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, describeRun, requireBinary, run } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-standalone-");
});
afterEach(() => s.cleanup());

test("a lone copy of the binary runs version, remember, recall and doctor", async () => {
  const dir = join(s.root, "lonely");
  mkdirSync(dir);
  const bin = join(dir, "cairn");
  copyFileSync(CAIRN_BIN, bin);
  chmodSync(bin, 0o755);
  expect(readdirSync(dir)).toEqual(["cairn"]);
  const env = { PATH: "/usr/bin:/bin", HOME: s.home, CAIRN_HOME: join(s.root, "data") };
  const call = async (args: string[]) => {
    const r = await run(args, { bin, env, cwd: dir });
    if (r.exitCode !== 0) throw new Error(describeRun(args, r));
    return r;
  };

  expect((await call(["version"])).stdout).toMatch(/^cairn \d+\.\d+\.\d+/);
  const made = JSON.parse((await call(["remember", "standalone binaries need nothing beside them", "--json"])).stdout) as { id: string };
  const found = JSON.parse((await call(["recall", "standalone binaries", "--json"])).stdout) as { results: Array<{ id: string }> };
  expect(found.results.map((r) => r.id)).toEqual([made.id]);
  const doctor = JSON.parse((await call(["doctor", "--json"])).stdout) as { ok: boolean };
  expect(doctor.ok).toBe(true);
  // Nothing was unpacked or written next to the binary.
  expect(readdirSync(dir)).toEqual(["cairn"]);
});

test("a .env or bunfig.toml in the working directory does not reach cairn", async () => {
  const dir = join(s.root, "project-with-env");
  mkdirSync(dir);
  const { writeFileSync } = await import("node:fs");
  // If the binary autoloaded .env, this would move its data and break its config.
  writeFileSync(join(dir, ".env"), `CAIRN_HOME=${join(s.root, "hijacked")}\nCAIRN_MODE=psychic\n`);
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
  const env = { PATH: "/usr/bin:/bin", HOME: s.home, CAIRN_HOME: join(s.root, "data") };
  const r = await run(["config", "get", "mode", "--json"], { env: { ...env, CAIRN_HOME: "" }, cwd: dir });
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ value: "hybrid", source: "default" });
  const doctor = await run(["doctor", "--json"], { env, cwd: dir });
  expect(JSON.parse(doctor.stdout).checks[0].detail).toContain(join(s.root, "data"));
});
