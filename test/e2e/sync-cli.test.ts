/**
 * @module `cairn sync` through the binary: set-up in three commands, human and --json output, status with the
 * server up and down (exit 1, changes queued), a schema of another version refused, leave removing the key.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SQL } from "bun";
import { usePostgres } from "../helpers/postgres.ts";
import { requireBinary } from "../helpers/bin.ts";
import { CLI_PROJECT, CliDevice } from "../helpers/sync-cli.ts";

const postgres = usePostgres();

test("init, invite, join, sync, status, share, leave; server down; schema mismatch", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("cli");
  const url = pg.url("cli");
  const a = new CliDevice();
  const b = new CliDevice();
  try {
    const init = await a.cairn(["sync", "init", "--server", url, "--project", CLI_PROJECT, "--json"]);
    expect(JSON.parse(init.stdout)).toMatchObject({ shared: { projects: [CLI_PROJECT], global: false } });
    // The team key is in the database (sealed when the store is encrypted), never in a file beside it.
    expect(existsSync(join(a.env.CAIRN_HOME!, "sync.key"))).toBe(false);
    expect(statSync(join(a.env.CAIRN_HOME!, "sync.json")).mode & 0o777).toBe(0o600);
    const { code } = JSON.parse((await a.cairn(["sync", "invite", "--json"])).stdout);
    await b.cairn(["sync", "join", code, "--server", url, "--project", CLI_PROJECT]);
    await a.cairn(["remember", "the release train leaves on thursdays", "--project", CLI_PROJECT]);
    const pushed = await a.cairn(["sync", "--json"]);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ synced: true, pushed: 1 });
    expect(pushed.stderr).toContain("pushed 1 change(s)");
    const pulled = await b.cairn(["sync"]);
    expect(pulled.stdout).toContain("1 received");
    expect(await b.exported()).toEqual(await a.exported());
    const status = JSON.parse((await b.cairn(["sync", "status", "--json"])).stdout);
    expect(status).toMatchObject({ reachable: true, pending: 0, behind: 0 });
    expect(status.devices).toHaveLength(1);
    expect((await a.cairn(["sync", "status"])).stdout).toContain("server: reachable");

    pg.stop();
    try {
      await a.cairn(["remember", "written while the server is down", "--project", CLI_PROJECT]);
      const down = await a.cairn(["sync"], false);
      expect(down.exitCode).toBe(1);
      expect(down.stderr).toContain("cannot be reached");
      const st = await a.cairn(["sync", "status"], false);
      expect(st.exitCode).toBe(1);
      expect(st.stdout).toContain("UNREACHABLE");
      // The cause once, not the whole error message inside the status line (QA sync).
      const serverLine = st.stdout.split("\n").find((l) => l.startsWith("server: "))!;
      expect(serverLine.split("local work continues").length - 1).toBe(1);
      expect(serverLine).not.toContain("cannot be reached");
      expect(st.stdout).toContain("pending: 1 ");
      // --json keeps its shape: what only the server knows is null (unknown), not left out.
      const stJson = await a.cairn(["sync", "status", "--json"], false);
      expect(stJson.exitCode).toBe(1);
      expect(JSON.parse(stJson.stdout)).toMatchObject({ reachable: false, pending: 1, behind: null, devices: null });
    } finally {
      pg.start();
    }
    await a.cairn(["sync"]);

    const sql = new SQL(url);
    await sql`UPDATE cairn_sync_meta SET value = '99' WHERE key = 'schema_version'`;
    const mismatch = await b.cairn(["sync"], false);
    expect(mismatch.exitCode).toBe(1);
    expect(mismatch.stderr).toContain("schema version 99");
    // The server answered and refused: status says so, not that it is down.
    const refusing = await b.cairn(["sync", "status"], false);
    expect(refusing.stdout).toContain("server: REFUSED (");
    expect(refusing.stdout).not.toContain("UNREACHABLE");
    await sql`UPDATE cairn_sync_meta SET value = '1' WHERE key = 'schema_version'`;
    await sql.close();

    // The server moved (or its password changed): `cairn sync --server` keeps the new URL once a sync through it
    // worked; one that fails changes nothing; other actions refuse the option instead of ignoring it.
    const stored = () => JSON.parse(readFileSync(join(b.env.CAIRN_HOME!, "sync.json"), "utf8")).server as string;
    const moved = url.replace("127.0.0.1", "localhost");
    expect(moved).not.toBe(url);
    const nowhere = "postgres://cairn@127.0.0.1:1/nowhere";
    expect((await b.cairn(["sync", "--server", nowhere], false)).exitCode).toBe(1);
    expect(stored()).toBe(url);
    expect((await b.cairn(["sync", "--server", moved, "--json"])).exitCode).toBe(0);
    expect(stored()).toBe(moved);
    const misplaced = await b.cairn(["sync", "status", "--server", url], false);
    expect(misplaced.exitCode).toBe(2);
    expect(misplaced.stderr).toContain("`cairn sync status` takes no --server");

    const bad = await b.cairn(["sync", "join", "cairn-team1-short", "--server", url], false);
    expect(bad.exitCode).toBe(2);
    await b.cairn(["sync", "leave"]);
    expect(existsSync(join(b.env.CAIRN_HOME!, "sync.json"))).toBe(false);
    expect((await b.cairn(["sync"], false)).stderr).toContain("not in a sync team");
  } finally {
    a.close();
    b.close();
  }
});

for (const [what, args] of [["cairn mcp", ["mcp"]], ["the warm hook daemon", ["hook", "--serve"]]] as const) test(`${what} syncs in the background: a memory pushed elsewhere arrives without any command`, async () => {
  const pg = postgres.current();
  if (!pg) return;
  const db = `background${args.length}`;
  await pg.createDb(db);
  const url = pg.url(db);
  const a = new CliDevice();
  const b = new CliDevice();
  try {
    await a.cairn(["sync", "init", "--server", url, "--project", CLI_PROJECT]);
    const { code } = JSON.parse((await a.cairn(["sync", "invite", "--json"])).stdout);
    await b.cairn(["sync", "join", code, "--server", url]);
    const proc = Bun.spawn([requireBinary(), ...args], { env: { ...b.env, CAIRN_SYNC_INTERVAL_MS: "300" }, cwd: b.home, stdin: "pipe", stdout: "ignore", stderr: "ignore" });
    try {
      await a.cairn(["remember", "the on-call rota lives in the wiki", "--project", CLI_PROJECT]);
      await a.cairn(["sync"]);
      let got: string[] = [];
      for (let i = 0; i < 300 && got.length === 0; i++) {
        await Bun.sleep(100);
        got = await b.exported();
      }
      expect(got).toEqual(await a.exported());
    } finally {
      proc.stdin.end();
      proc.kill("SIGTERM");
      await proc.exited;
    }
  } finally {
    a.close();
    b.close();
  }
});

test("join or init naming a project this device does not know fails before touching the team: nothing changed, the way to do it said", async () => {
  const d = new CliDevice();
  // No server answers here: the command must fail on the name before it tries one.
  const nowhere = "postgres://cairn:secret@127.0.0.1:9/cairn";
  try {
    for (const action of [["join", `cairn-team1-${"A".repeat(64)}`], ["init"]]) {
      const r = await d.cairn(["sync", ...action, "--server", nowhere, "--project", "payments"], false);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`No project "payments" holds memories on this device yet, so \`cairn sync ${action[0]} --project payments\` cannot share it; nothing was changed`);
      expect(r.stderr).toContain("then `cairn sync share --project payments`");
      expect(existsSync(join(d.env.CAIRN_HOME!, "sync.json"))).toBe(false);
    }
  } finally {
    d.close();
  }
});

test("a URL the client cannot use is a usage error saying what is wrong; a failed init or join leaves no store behind (QA)", async () => {
  const d = new CliDevice();
  try {
    for (const [url, says] of [
      ["postgres://u:p@127.0.0.1:99999/db", "not a well-formed URL"],
      ["postgres://u:%ZZ@127.0.0.1:5432/db", "% that starts no valid %-escape"],
      ["postgres://u:p@[::1:5432/db", "not a well-formed URL"],
      ["postgres://u:p@127.0.0.1:5432/db?sslmode=bogus", "sslmode must be one of disable, allow"],
    ] as const) {
      const r = await d.cairn(["sync", "init", "--server", url], false);
      expect({ url, exit: r.exitCode }).toEqual({ url, exit: 2 });
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toContain("Internal error");
    }
    // Nothing answers on port 9, and a made-up code: the store a new device got for them is gone again.
    for (const action of [["init"], ["join", `cairn-team1-${"A".repeat(64)}`]]) {
      const r = await d.cairn(["sync", ...action, "--server", "postgres://cairn:secret@127.0.0.1:9/cairn"], false);
      expect(r.exitCode).not.toBe(0);
      expect(existsSync(join(d.env.CAIRN_HOME!, "cairn.db"))).toBe(false);
    }
  } finally {
    d.close();
  }
});

test("rotate prints the new team's code; a device still on the old team is told to join it, and joins with its memories", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("rotate");
  const url = pg.url("rotate");
  const a = new CliDevice();
  const b = new CliDevice();
  try {
    await a.cairn(["sync", "init", "--server", url, "--project", CLI_PROJECT]);
    const { code: oldCode } = JSON.parse((await a.cairn(["sync", "invite", "--json"])).stdout);
    await b.cairn(["sync", "join", oldCode, "--server", url, "--project", CLI_PROJECT]);
    await a.cairn(["remember", "the release train leaves on thursdays", "--project", CLI_PROJECT]);
    await a.cairn(["sync"]);
    await b.cairn(["sync"]);
    await b.cairn(["remember", "written on b before it hears of the rotation", "--project", CLI_PROJECT]);
    expect((await a.cairn(["sync", "rotate", "--server", url], false)).exitCode).toBe(2);
    const before = JSON.parse((await a.cairn(["sync", "status", "--json"])).stdout).team as string;
    const rotated = await a.cairn(["sync", "rotate"]);
    expect(rotated.stdout).toContain("retired: its records were deleted");
    expect(rotated.stderr).toContain("hand it over privately");
    const code = rotated.stdout.match(/cairn-team1-\S+/)?.[0];
    expect(code).toBeDefined();
    expect(code).not.toBe(oldCode);
    const refused = await b.cairn(["sync"], false);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("cairn sync rotate");
    expect((await b.cairn(["sync", "status"])).stdout).toContain("moved to a new key");
    const joined = JSON.parse((await b.cairn(["sync", "join", code!, "--server", url, "--json"])).stdout);
    expect(joined.replaced).toBe(before);
    expect(joined.queued).toBe(2);
    await b.cairn(["sync"]);
    await a.cairn(["sync"]);
    expect(await b.exported()).toEqual(await a.exported());
    expect((await a.exported()).some((line) => line.includes("written on b before it hears of the rotation"))).toBe(true);
  } finally {
    a.close();
    b.close();
  }
});
