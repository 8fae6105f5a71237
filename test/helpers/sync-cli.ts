/** @module Test helper: devices driven through the compiled binary (for SIGKILL trials of `cairn sync`). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { baseEnv, describeRun, requireBinary, run } from "./bin.ts";

export const CLI_PROJECT = "github.com/acme/kill";

export class CliDevice {
  readonly home = mkdtempSync(join(tmpdir(), "cairn-sync-cli-"));
  readonly env = baseEnv(this.home, join(this.home, "data"));

  async cairn(args: string[], ok = true) {
    const r = await run(args, { env: this.env, cwd: this.home, timeoutMs: 120_000 });
    if (ok && r.exitCode !== 0) throw new Error(describeRun(args, r));
    return r;
  }

  /** Starts `cairn sync` and SIGKILLs it after `ms`; true when it was still running then. */
  async killedSync(ms: number): Promise<boolean> {
    const proc = Bun.spawn([requireBinary(), "sync"], { env: this.env, cwd: this.home, stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(ms);
    const running = proc.exitCode === null;
    proc.kill("SIGKILL");
    await proc.exited;
    return running;
  }

  /** Imports in process (the CLI's import also embeds, which takes long on a loaded machine). */
  async importMemories(lines: string[]) {
    const engine = new Engine({ store: new SqliteStore(join(this.env.CAIRN_HOME!, "cairn.db")), project: CLI_PROJECT });
    try {
      await engine.import(`${lines.join("\n")}\n`);
    } finally {
      engine.close();
    }
  }

  /** The export without this device's access statistics, one sorted line per memory. */
  async exported(): Promise<string[]> {
    const r = await this.cairn(["export"]);
    return r.stdout
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const { access_count: _a, last_accessed_at: _l, ...m } = JSON.parse(l);
        return JSON.stringify(m);
      })
      .sort();
  }

  close() {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Two devices in one team on `url`, both sharing {@link CLI_PROJECT}. */
export async function cliTeam(url: string): Promise<[CliDevice, CliDevice]> {
  const a = new CliDevice();
  const b = new CliDevice();
  await a.cairn(["sync", "init", "--server", url]);
  const { code } = JSON.parse((await a.cairn(["sync", "invite", "--json"])).stdout);
  await b.cairn(["sync", "join", code, "--server", url]);
  for (const d of [a, b]) await d.cairn(["sync", "share", "--project", CLI_PROJECT]);
  return [a, b];
}
