/**
 * @module End-to-end tests of the CLI's guard rails: `config set` validation, `forget --hard` confirmation
 * (terminal and pipe), `recall -`, a CAIRN_HOME that does not exist, short ids, and the reranker warning.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

const bin = requireBinary();
// Each test spawns the binary several times; a loaded 2-core machine needs room.
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

const remember = async (text: string) => await s.json<{ id: string }>(["remember", text, "--json"]);
const total = async () => (await s.json<{ total: number }>(["stats", "--json"])).total;

describe("config set validates before writing", () => {
  test("bad numbers, modes, models and rerankers exit 2, list what is allowed, and change nothing", async () => {
    await s.ok(["config", "set", "limit", "7"]);
    const file = join(s.cairnHome, "config.json");
    const before = readFileSync(file, "utf8");
    const cases: Array<[string[], string[]]> = [
      [["limit", "-3"], ["-3", "1 to 1000"]],
      [["limit", "2.5"], ["2.5", "1 to 1000"]],
      [["limit", "lots"], ["lots", "1 to 1000"]],
      [["budget", "-1"], ["-1", "0 or more"]],
      [["mode", "telepathy"], ["telepathy", "keyword, semantic, hybrid"]],
      [["model", "no-such-model"], ["no-such-model", "use-lite", "cairn models list"]],
      [["reranker", "no-such-reranker"], ["no-such-reranker", "auto, none"]],
      [["logLevel", "loud"], ["loud", "debug, info, warn, error, silent"]],
    ];
    for (const [args, mentions] of cases) {
      const r = await s.run(["config", "set", ...args]);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args, exit: 2, stdout: "" });
      for (const m of mentions) expect(r.stderr).toContain(m);
      expect(r.stderr).toContain("nothing was changed");
    }
    expect(readFileSync(file, "utf8")).toBe(before);
    const json = await s.run(["config", "set", "mode", "telepathy", "--json"]);
    expect(JSON.parse(json.stdout).error.code).toBe("CONFIG_VALUE");
    // Valid values still go through.
    await s.ok(["config", "set", "budget", "0"]);
    await s.ok(["config", "set", "reranker", "none"]);
    expect(await s.json(["config", "get", "reranker", "--json"])).toEqual({ key: "reranker", value: "none", source: "file" });
  });

  test("a string option without its value is a usage error, not the next option taken for it", async () => {
    for (const args of [["remember", "x", "--tags", "--type", "fact"], ["remember", "x", "--tags"], ["recall", "x", "--limit="]]) {
      const r = await s.run(args);
      expect({ args, exit: r.exitCode }).toEqual({ args, exit: 2 });
      expect(r.stderr).toMatch(/Option --(tags|limit) needs a value/);
    }
    expect(await total()).toBe(0);
    // A long option with one dash: citty read it as letters and dropped the value (an export went to stdout).
    const single = await s.run(["export", "-out", join(s.root, "backup.jsonl")]);
    expect(single.exitCode).toBe(2);
    expect(single.stderr).toContain('"-out": a long option takes two dashes (--out)');
    expect((await s.run(["remember", "x", "--tags=--odd-but-asked"])).exitCode).toBe(0);
    // Text taken for an option is not echoed whole: it is often a pasted key (QA).
    const key = "-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun -----END RSA PRIVATE KEY-----";
    for (const args of [["remember", key], ["remember", "--json", key]]) {
      const r = await s.run(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr + r.stdout).not.toContain("MIIEowIB");
      expect(r.stderr + r.stdout).toContain("goes after --: `cairn remember -- ");
    }
    // A command that takes no text does not talk of it (QA).
    const stats = await s.run(["stats", "--bogus"]);
    expect(stats.exitCode).toBe(2);
    expect(stats.stderr).toContain('Unknown option "--bogus"');
    expect(stats.stderr).not.toContain("goes after --");
  });

  test("more positional words than a command takes is a usage error that changes nothing; text commands join them; export --output - is stdout", async () => {
    const a = (await s.json(["remember", "keep", "the", "first", "one", "--json"])).id as string;
    const b = (await s.json(["remember", "the second memory stays too", "--json"])).id as string;
    for (const [args, word, takes] of [
      [["forget", a, b], b, "takes <id>"],
      [["get", a, "extra"], "extra", "takes <id>"],
      [["stats", "x"], "x", "takes no arguments"],
      [["relate", a, "supersedes", b, "x"], "x", "takes <from> <relation> <to>"],
      [["export", "--format", "jsonl", "x"], "x", "takes no arguments"],
    ] as const) {
      const r = await s.run([...args]);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args: [...args], exit: 2, stdout: "" });
      expect(r.stderr).toContain(`Unexpected argument "${word}": cairn ${args[0]} ${takes}`);
    }
    // A command's action reads only its own words: `hold list x` listed the holds and dropped the x.
    for (const [args, word, reads] of [
      [["hold", "list", "x"], "x", "cairn hold list` takes no further argument"],
      [["retention", "set", "x", "--keep", "30d"], "x", "cairn retention set` takes no further argument"],
      [["models", "list", "x"], "x", "cairn models list` takes no further argument"],
      [["config", "show", "x"], "x", "cairn config show` takes no further argument"],
      [["config", "get", "limit", "x"], "x", "cairn config get` takes one argument"],
      [["retention", "show", "x"], "x", "cairn retention show` takes no further argument"],
      [["sync", "status", "x"], "x", "cairn sync status` takes no further argument"],
    ] as const) {
      const r = await s.run([...args]);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args: [...args], exit: 2, stdout: "" });
      expect(r.stderr).toContain(`Unexpected argument "${word}": \`${reads}`);
    }
    // ... and only its own options: `hold list --tag x` listed every hold as if no tag were given.
    for (const [args, says] of [
      [["hold", "list", "--tag", "x"], "--tag is for `cairn hold add`, not `cairn hold list`"],
      [["hold", "release", "h1", "--reason", "done", "--all"], "--all is for `cairn hold list`, not `cairn hold release`"],
      [["retention", "show", "--keep", "30d"], "--keep is for `cairn retention set`, not `cairn retention show`"],
      [["retention", "set", "--keep", "30d", "--all"], "--all is for `cairn retention clear`, not `cairn retention set`"],
      [["audit", "verify", "--limit", "5"], "--limit is for `cairn audit log`, not `cairn audit verify`"],
      [["audit", "head", "--from", "1:ab"], "--from is for `cairn audit verify`, not `cairn audit head`"],
      [["sync", "status", "--project", "x"], "--project is for `cairn sync share`, `cairn sync unshare`, `cairn sync init` or `cairn sync join`, not `cairn sync status`"],
      [["sync", "share", "--discard"], "--discard is for `cairn sync leave`, not `cairn sync share`"],
    ] as const) {
      const r = await s.run([...args]);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args: [...args], exit: 2, stdout: "" });
      expect(r.stderr).toContain(says);
    }
    expect((await s.json<{ rules: unknown[] }>(["retention", "show", "--json"])).rules).toEqual([]);
    expect((await s.run(["config", "set", "limit", "7"])).exitCode).toBe(0);
    expect((await s.run(["config", "get", "limit"])).stdout.trim()).toBe("7");
    expect(await total()).toBe(2);
    expect((await s.json(["get", a, "--json"])).content).toBe("keep the first one");
    // After `--` a word is positional however it looks; the option's value is not counted.
    expect((await s.run(["get", "--json", "--", a])).exitCode).toBe(0);
    expect((await s.run(["recall", "--mode", "keyword", "second", "memory"])).stdout).toContain("the second memory stays too");
    const stdout = await s.run(["export", "--output", "-"]);
    expect(stdout.exitCode).toBe(0);
    expect(stdout.stdout.trim().split("\n")).toHaveLength(2);
    expect(existsSync(join(s.cwd, "-"))).toBe(false);
  });

  test("a setting a newer cairn wrote: commands run with one warning, set keeps it, unset removes it", async () => {
    const file = join(s.cairnHome, "config.json");
    await s.ok(["remember", "the release train leaves on fridays"]);
    writeFileSync(file, JSON.stringify({ limit: 5, futureKnob: true }));
    const recall = await s.run(["recall", "release train", "--mode", "keyword"]);
    expect(recall.exitCode).toBe(0);
    expect(recall.stderr).toContain('unknown setting "futureKnob" ignored');
    await s.ok(["config", "set", "budget", "100"]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ limit: 5, futureKnob: true, budget: 100 });
    await s.ok(["config", "unset", "futureKnob"]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ limit: 5, budget: 100 });
    // A known setting with a bad value stops commands, naming it; `config set` is the way out.
    writeFileSync(file, JSON.stringify({ limit: 5000, budget: 100 }));
    const refused = await s.run(["recall", "release train", "--mode", "keyword"]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('"limit": 5000 is not allowed (a whole number from 1 to 1000)');
    await s.ok(["config", "set", "limit", "20"]);
    expect((await s.run(["recall", "release train", "--mode", "keyword"])).exitCode).toBe(0);
  });

  test("a reranker that is not installed: recall answers and says it skipped reranking, not that it went keyword-only", async () => {
    await remember("the release train leaves on fridays");
    await remember("the release notes live in docs/releases");
    const r = await s.run(["recall", "release", "--mode", "keyword", "--json"], { env: { CAIRN_RERANKER: "no-such-reranker" } });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { results: unknown[]; warnings: string[] };
    expect(out.results).toHaveLength(2);
    expect(out.warnings.join(" ")).toContain('Reranker "no-such-reranker" is unavailable');
    expect(out.warnings.join(" ")).toContain("without reranking");
    expect(out.warnings.join(" ")).not.toContain("keyword-only");
  });

  test("a model cairn does not know is MODEL_NOT_FOUND for use and remove alike; the built-in one cannot be removed", async () => {
    await remember("the release train leaves on fridays");
    for (const action of ["use", "remove"]) {
      const r = await s.run(["models", action, "no-such-model", "--json"]);
      expect([action, r.exitCode]).toEqual([action, 2]);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: "MODEL_NOT_FOUND", message: expect.stringContaining('No model "no-such-model"') });
    }
    const builtIn = await s.run(["models", "remove", "use-lite", "--json"]);
    expect(JSON.parse(builtIn.stdout).error).toMatchObject({ code: "USAGE", message: '"use-lite" is built into cairn and cannot be removed.' });
  });
});

describe("forget --hard asks first", () => {
  test("stdin not a terminal and no --yes: exit 2, says to pass --yes, deletes nothing", async () => {
    const made = await remember("a memory that must survive an unconfirmed purge");
    for (const stdin of [undefined, "y\n"]) {
      const r = await s.run(["forget", made.id, "--hard"], { stdin });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain("--yes");
      expect(r.stderr).toContain("nothing was deleted");
    }
    expect((await s.json<{ status: string }>(["get", made.id, "--json"])).status).toBe("active");
    expect(await s.json(["forget", made.id, "--hard", "--yes", "--json"])).toMatchObject({ id: made.id, status: "purged" });
  });

  test("on a terminal: n keeps the memory, y purges it", async () => {
    const made = await remember("a memory asked about on a terminal");
    const ask = async (answer: string) => {
      let seen = "";
      let prompted!: () => void;
      let answered!: () => void;
      const promptShown = new Promise<void>((resolve) => (prompted = resolve));
      // The process can exit before the terminal hands over its last line: wait for the line after the answer.
      const replied = new Promise<void>((resolve) => (answered = resolve));
      const terminal = new Bun.Terminal({
        data(_t, data) {
          seen += new TextDecoder().decode(data);
          if (seen.includes("[y/N]")) prompted();
          if (/\[y\/N\][^\n]*\n[^\n]*\n/.test(seen)) answered();
        },
      });
      const proc = Bun.spawn([bin, "forget", made.id.slice(-8), "--hard"], { cwd: s.cwd, env: s.env(), terminal });
      await promptShown;
      terminal.write(`${answer}\r`);
      const exit = await proc.exited;
      await Promise.race([replied, Bun.sleep(10_000)]);
      terminal.close();
      return { exit, seen };
    };
    // Declined is not done: exit 1, so a script tells it from a purge (QA: exit 0).
    const no = await ask("n");
    expect(no.exit).toBe(1);
    expect(no.seen).toContain("a memory asked about on a terminal");
    expect(no.seen).toContain("Nothing was erased");
    expect((await s.json<{ status: string }>(["get", made.id, "--json"])).status).toBe("active");
    const yes = await ask("y");
    expect(yes.exit).toBe(0);
    expect(yes.seen).toContain("Purged");
    expect((await s.run(["get", made.id])).exitCode).toBe(1);
  });
});

describe("options and words no action reads are refused, and messages say what happened (QA)", () => {
  test("forget --keep-reason without --hard, models list --id, models reindex --wait: exit 2 naming the reader, nothing changed", async () => {
    const made = await remember("a memory a stray flag must not forget");
    const cases: Array<[string[], string]> = [
      [["forget", made.id, "--keep-reason", "--reason", "x"], "--keep-reason is for `cairn forget --hard`"],
      [["models", "list", "--id", "x"], "--id is for `cairn models add`"],
      [["models", "reindex", "--wait"], "--wait is for `cairn models use`"],
    ];
    for (const [args, says] of cases) {
      const r = await s.run(args);
      expect({ args, exit: r.exitCode }).toEqual({ args, exit: 2 });
      expect(r.stderr).toContain(says);
    }
    expect((await s.json<{ status: string }>(["get", made.id, "--json"])).status).toBe("active");
  });

  test("`config limit` names the setting and how to read it; import counts one line as a line", async () => {
    const r = await s.run(["config", "limit"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("`cairn config get limit`");
    expect(r.stderr).not.toContain("Give a key");
    const imported = await s.ok(["import", "-"], { stdin: `${JSON.stringify({ content: "one imported line" })}\n` });
    expect(imported.stdout).toContain("Imported 1 line in");
  });
});

describe("recall - reads the query from stdin", () => {
  test("the piped text is the query", async () => {
    const made = await remember("kubernetes manifests are generated by jsonnet");
    const out = await s.json<{ results: Array<{ id: string }> }>(["recall", "-", "--mode", "keyword", "--json"], { stdin: "how are the jsonnet manifests made\n" });
    expect(out.results.map((r) => r.id)).toEqual([made.id]);
    const empty = await s.run(["recall", "-", "--mode", "keyword"], { stdin: "  \n" });
    expect(empty.exitCode).toBe(2);
  });
});

describe("remember and stdin", () => {
  test("piped text with no argument is remembered; an empty argument is no text and reads nothing (QA: an unset \"$NOTE\")", async () => {
    const piped = await s.json<{ id: string }>(["remember", "--json"], { stdin: "the staging db is rebuilt nightly\n" });
    expect((await s.json<{ content: string }>(["get", piped.id, "--json"])).content).toBe("the staging db is rebuilt nightly");
    const empty = await s.run(["remember", "", "--json"], { stdin: "line one\nline two\n" });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain("empty");
    expect((await s.json<{ total: number }>(["list", "--json"])).total).toBe(1);
  });
});

describe("a CAIRN_HOME that does not exist", () => {
  test("read commands fail with NO_STORE and create nothing; doctor reports it; remember creates the store", async () => {
    rmSync(s.cairnHome, { recursive: true });
    const reads = [["recall", "anything"], ["list"], ["get", "0000dead"], ["stats"], ["export"], ["forget", "0000dead"], ["models", "list"]];
    for (const args of reads) {
      const r = await s.run(args);
      expect({ args, exit: r.exitCode, stdout: r.stdout }).toEqual({ args, exit: 1, stdout: "" });
      expect(r.stderr).toContain(`No cairn store exists at ${s.cairnHome}`);
      expect(r.stderr).toContain("cairn remember");
      expect(existsSync(s.cairnHome)).toBe(false);
    }
    const json = await s.run(["list", "--json"]);
    expect(JSON.parse(json.stdout).error.code).toBe("NO_STORE");
    const doctor = await s.run(["doctor", "--json"]);
    expect(doctor.exitCode).toBe(1);
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Array<{ name: string; level: string; detail: string }> };
    expect(report.checks.find((c) => c.name === "database")).toMatchObject({ level: "fail", detail: expect.stringContaining("No cairn store exists") });
    expect(existsSync(s.cairnHome)).toBe(false);

    await remember("the first memory creates the store");
    expect(existsSync(join(s.cairnHome, "cairn.db"))).toBe(true);
    expect(await total()).toBe(1);
  });

  test("cairn mcp answers every call with NO_STORE and a capturing hook does nothing; setup makes the folder it wires agents to (QA)", async () => {
    rmSync(s.cairnHome, { recursive: true });
    const mcp = new McpProcess(bin, { home: s.cairnHome, cwd: s.cwd, env: s.env() });
    try {
      await mcp.initialize();
      const r = await mcp.call("remember", { content: "the staging db is rebuilt nightly" });
      expect(r.result.isError).toBe(true);
      expect(r.result.content[0].text).toContain(`No cairn store exists at ${s.cairnHome}`);
      expect(r.result.content[0].text).toContain("then restart the agent");
    } finally {
      mcp.closeStdin();
      await mcp.exited;
    }
    expect(existsSync(s.cairnHome)).toBe(false);
    const prompt = JSON.stringify({ session_id: "s1", cwd: s.cwd, hook_event_name: "UserPromptSubmit", prompt: "from now on always use tabs for indentation" });
    const hook = await s.run(["hook", "prompt"], { stdin: prompt, env: { CAIRN_HOOK_DAEMON: "off" } });
    expect({ exit: hook.exitCode, stdout: hook.stdout }).toEqual({ exit: 0, stdout: "" });
    expect(existsSync(s.cairnHome)).toBe(false);
    await s.ok(["setup", "--client", "claude-code"]);
    expect(statSync(s.cairnHome).mode & 0o777).toBe(0o700);
  });
});

describe("short ids", () => {
  test("list, recall and remember show the random end of the id; it, the full id and a prefix all work", async () => {
    const a = await remember("short ids come from the random end");
    const b = await remember("a second memory made the same minute");
    // Made moments apart, so their ids start alike (the timestamp); the common start is no way to tell them apart.
    let common = 0;
    while (a.id[common] === b.id[common]) common++;
    expect(common).toBeGreaterThanOrEqual(4);
    const listed = (await s.ok(["list"])).stdout;
    expect(listed).toContain(`${a.id.slice(-8)}  note`);
    expect(listed).not.toContain(a.id);
    const shown = (await s.ok(["remember", "a third one, shown short"])).stdout;
    expect(shown).toMatch(/^Remembered [0-9a-f]{8} /);
    for (const ref of [a.id, a.id.slice(-8), a.id.slice(-10), a.id.toUpperCase().slice(-8)]) {
      expect((await s.json<{ id: string }>(["get", ref, "--json"])).id).toBe(a.id);
    }
    const ambiguous = await s.run(["get", a.id.slice(0, common)]);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain(a.id.slice(-8));
    expect(ambiguous.stderr).toContain(b.id.slice(-8));
    expect(ambiguous.stderr).toContain("short ids come from");
  });
});

describe("unknown commands", () => {
  test("a command named like an object property is unknown, not an internal error", async () => {
    for (const name of ["nosuch", "constructor", "toString"]) {
      const r = await s.run([name, "--json"]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toContain("Unknown command");
      expect(r.stdout).not.toContain("INTERNAL");
    }
  });
});

describe("out-of-range input and unwritable output (QA)", () => {
  test("a number time that is seconds, not milliseconds, is refused naming both readings; a refused first import leaves no store", async () => {
    const fresh = join(s.root, "fresh-home");
    mkdirSync(fresh);
    const file = join(s.root, "seconds.jsonl");
    writeFileSync(file, `${JSON.stringify({ content: "the audit happened", event_time: 1733500000 })}\n`);
    const r = await s.run(["import", file], { env: { CAIRN_HOME: fresh } });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("a time of 1733500000 reads as 1970-01-21T01:31:40.000Z in milliseconds");
    expect(r.stderr).toContain("seconds since 1970 are 2024-12-06T15:46:40.000Z");
    expect(readdirSync(fresh)).toEqual([]);
    // A data folder the refused import made for it goes too.
    const none = join(s.root, "no-such-home");
    expect((await s.run(["import", file], { env: { CAIRN_HOME: none } })).exitCode).not.toBe(0);
    expect(existsSync(none)).toBe(false);
  });

  test("a time outside 0000–9999, by flag or import line, is refused and the store stays readable", async () => {
    await remember("a memory that must stay listable");
    const flag = await s.run(["remember", "x", "--event-time", "99999999999d"]);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain("outside the years 0000–9999");
    for (const line of [{ content: "x", event_time: -9_000_000_000_000_000 }, { content: "y", created_at: "99999999999d" }, { content: "z", event_time: 1e300 }]) {
      const r = await s.run(["import", "-"], { stdin: `${JSON.stringify(line)}\n` });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain("outside the years 0000–9999");
    }
    expect(await total()).toBe(1);
    expect((await s.ok(["export"])).stdout.trim().split("\n")).toHaveLength(1);
  });

  test("a number past what is held exactly is a usage error, not an internal one", async () => {
    const r = await s.run(["list", "--limit", "9223372036854775807"]);
    expect([r.exitCode, r.stderr]).toEqual([2, expect.stringContaining("from 1 to 9007199254740991")]);
    expect((await s.run(["logs", "--lines", "-1"])).stderr).toContain("Option --lines needs");
  });

  test("output to a full disk is one line on stderr and exit 1, not a crash dump", async () => {
    if (!existsSync("/dev/full")) return;
    await remember("something to export");
    const r = Bun.spawnSync(["sh", "-c", `"${bin}" export > /dev/full`], { env: s.env(), cwd: s.cwd, stderr: "pipe" });
    const err = r.stderr.toString();
    expect(r.exitCode).toBe(1);
    expect(err).toContain("no space is left on the disk it goes to");
    expect(err).not.toMatch(/Bun v|syscall/);
  });
});

describe("help and typos (QA)", () => {
  test("a mistyped option or command gets the nearest; help <command> is that command's help; --help after -- is text", async () => {
    const typo = await s.run(["list", "--limt", "3"]);
    expect([typo.exitCode, typo.stderr]).toEqual([2, expect.stringContaining("Did you mean --limit?")]);
    expect((await s.run(["LIST"])).stderr).toContain('Did you mean "list"?');
    expect((await s.run([""])).stderr).not.toContain("Did you mean");
    expect((await s.ok(["help", "recall"])).stdout).toContain("USAGE cairn recall");
    const twice = await s.run(["list", "--type", "decision", "--type", "error"]);
    expect([twice.exitCode, twice.stderr]).toEqual([2, expect.stringContaining("--type was given twice; give it once, with several values comma-separated")]);
    await s.ok(["remember", "--", "--help"]);
    expect((await s.json<{ memories: Array<{ content: string }> }>(["list", "--json"])).memories.map((m) => m.content)).toEqual(["--help"]);
  });
});

describe("a data folder its owner made read-only (QA: made writable again by any command)", () => {
  test("stays read-only: reads work, a write is refused and changes nothing, the modes are kept", async () => {
    await remember("a note before the folder was locked");
    const db = join(s.cairnHome, "cairn.db");
    await s.ok(["stats"]);
    chmodSync(db, 0o400);
    chmodSync(s.cairnHome, 0o500);
    try {
      expect((await s.run(["stats"])).exitCode).toBe(0);
      expect((statSync(s.cairnHome).mode & 0o777).toString(8)).toBe("500");
      expect((statSync(db).mode & 0o777).toString(8)).toBe("400");
      const write = await s.run(["remember", "a note while it is locked"]);
      expect(write.exitCode).toBe(1);
      expect(write.stderr).toContain("is read-only");
    } finally {
      chmodSync(s.cairnHome, 0o700);
      chmodSync(db, 0o600);
    }
    expect(await total()).toBe(1);
  });
});
