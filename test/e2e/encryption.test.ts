/**
 * @module Encryption at rest through the compiled binary (issue 14, item 1): 1,000 memories with unique
 * marker words, tags and project names leave none of them in any file under CAIRN_HOME or HOME, before and
 * after a WAL checkpoint; the round trip encrypt → recall → key rotate → decrypt; a missing, wrong or unsafe
 * key and tampered or swapped rows fail with exit 1 and change nothing; concurrent writers.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { filesUnder } from "../helpers/files.ts";
import { fixture } from "../hooks/helpers.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-enc-");
});
afterEach(() => sb.cleanup());

const ENV = { CAIRN_HOOK_DAEMON: "off", CAIRN_NO_PROMPT: "1" };

/** Random lower-case words, all distinct (a seeded generator: the same run every time). */
function markers(n: number, seed: number): string[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2147483648), x);
  const out = new Set<string>();
  while (out.size < n) out.add(Array.from({ length: 16 }, () => String.fromCharCode(97 + (next() % 26))).join(""));
  return [...out];
}

/**
 * Characters of a marker's end searched for. Fewer would still find a term the full-text index stores
 * prefix-compressed, but ciphertext is base64, in which a given 8 letters turn up by chance: 3,000 markers
 * over 2 MB matched one about once in a hundred runs. 10 of 16 makes a chance match ~1e-5 per run.
 */
const SUFFIX = 10;

/**
 * The markers found in any file under CAIRN_HOME or HOME (their last {@link SUFFIX} characters, so a term the
 * full-text index stores prefix-compressed still counts). Files over 16 MB (the model runtime cairn extracts)
 * are skipped.
 */
function scan(words: readonly string[]): string[] {
  const grams = new Map(words.map((w) => [w.slice(-SUFFIX), w]));
  const found = new Set<string>();
  for (const { path, bytes } of [...filesUnder(sb.cairnHome), ...filesUnder(sb.home)]) {
    if (bytes.length > 16 * 1024 * 1024) continue;
    const text = bytes.toString("latin1").toLowerCase();
    for (let i = 0; i + SUFFIX <= text.length; i++) {
      const w = grams.get(text.slice(i, i + SUFFIX));
      if (w) found.add(`${w} in ${path}`);
    }
  }
  return [...found];
}

/** What `cairn doctor` says of the store's encryption. */
async function encryptionDetail(box: Sandbox): Promise<string> {
  const doctor = await box.json(["doctor", "--json"], { env: ENV });
  return doctor.checks.find((c: { name: string }) => c.name === "encryption").detail;
}

function keyFiles(): string[] {
  const dir = join(sb.home, ".config", "cairn");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".key")).map((f) => join(dir, f)) : [];
}

function dbBytes(): string {
  return filesUnder(sb.cairnHome)
    .filter((f) => /cairn\.db/.test(f.path))
    .map((f) => `${f.path}:${new Bun.CryptoHasher("sha256").update(f.bytes).digest("hex")}`)
    .sort()
    .join("\n");
}

describe("encryption at rest", () => {
  test("1,000 memories: no marker word, tag or project name in any file, before and after a checkpoint; decrypt brings them back", async () => {
    const words = markers(1000, 7);
    const tags = markers(1000, 11);
    const projects = markers(1000, 13);
    await sb.ok(["init", "--encrypt"], { env: ENV });
    expect(keyFiles()).toHaveLength(1);
    const lines = words.map((w, i) => JSON.stringify({ content: `Note ${i}: the ${w} service deploys through staging`, tags: [tags[i]], project: `github.com/acme/${projects[i]}`, metadata: { file: `src/${w}.ts` } }));
    await sb.ok(["import", "-", "--quiet", "--no-embed"], { stdin: `${lines.join("\n")}\n`, env: ENV });
    await sb.ok(["remember", `the ${words[0]} gateway needs a restart`, "--tags", tags[1]!, "--project", `github.com/acme/${projects[2]}`], { env: ENV });
    // Search, filters and project names still work on the encrypted store.
    const hit = await sb.json(["recall", words[5]!, "--all-projects", "--mode", "keyword", "--json"], { env: ENV });
    expect(hit.results.map((r: { content: string }) => r.content)).toEqual([`Note 5: the ${words[5]} service deploys through staging`]);
    const tagged = await sb.json(["list", "--tags", tags[9]!, "--all-projects", "--json"], { env: ENV });
    expect(tagged.memories.map((m: { project: string }) => m.project)).toEqual([`github.com/acme/${projects[9]}`]);
    const all = words.concat(tags, projects);
    expect(scan(all)).toEqual([]);
    // A checkpoint moves the WAL into the database file: still nothing.
    const db = new Database(join(sb.cairnHome, "cairn.db"));
    db.run("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
    expect(scan(all)).toEqual([]);
    // The scan can fail: decrypting puts the words back on disk, and recall still finds them.
    const dec = await sb.json(["decrypt", "--json"], { env: ENV });
    expect(dec).toMatchObject({ ok: true, decrypted: true, memories: 1001 });
    expect(scan(words.slice(0, 50)).length).toBeGreaterThan(0);
    const again = await sb.json(["recall", words[5]!, "--all-projects", "--mode", "keyword", "--json"], { env: ENV });
    expect(again.results).toHaveLength(1);
  });

  test("encrypt → recall → key rotate → decrypt keeps every memory, its history and the audit chain", async () => {
    const project = sb.project("shop");
    await sb.ok(["remember", "the quokkaword cache is warmed at boot", "--tags", "perf"], { cwd: project, env: ENV });
    const id = (await sb.json(["list", "--json"], { cwd: project, env: ENV })).memories[0].id;
    await sb.ok(["edit", id, "--content", "the quokkaword cache is warmed at boot and at deploy"], { cwd: project, env: ENV });
    // A copy an interrupted encrypt left (killed after its backup): doctor warns, and the next encrypt removes it.
    const stale = join(sb.cairnHome, "cairn.db.backup-1700000000000");
    writeFileSync(stale, "the quokkaword in the clear", { mode: 0o600 });
    const warned = JSON.parse((await sb.run(["doctor", "--json"], { env: ENV })).stdout).checks.find((c: { name: string }) => c.name === "re-encoding copies");
    expect(warned).toMatchObject({ level: "warn" });
    expect(warned.detail).toContain("cairn.db.backup-1700000000000");
    // Every command says so too, not only doctor.
    expect((await sb.run(["list"], { cwd: project, env: ENV })).stderr).toContain("cairn.db.backup-1700000000000 beside the database: a copy an interrupted encrypt");
    const auditKey = join(sb.cairnHome, "audit.key");
    expect(existsSync(auditKey)).toBe(true);
    const enc = await sb.json(["encrypt", "--json"], { env: ENV });
    expect(existsSync(stale)).toBe(false);
    // The plain store's audit key keys no hash written from now on: it goes (QA: left behind, unused).
    expect(existsSync(auditKey)).toBe(false);
    expect(enc).toMatchObject({ ok: true, encrypted: true, memories: 1 });
    const [keyFile] = keyFiles();
    expect(readFileSync(keyFile!, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await sb.json(["recall", "quokkaword", "--mode", "keyword", "--json"], { cwd: project, env: ENV })).results).toHaveLength(1);
    const shown = await sb.json(["get", id, "--json"], { cwd: project, env: ENV });
    expect(JSON.stringify(shown)).toContain("warmed at boot and at deploy");
    await sb.ok(["audit", "verify"], { env: ENV });
    const doctor = await sb.run(["doctor", "--json"], { env: ENV });
    expect(JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "encryption")).toMatchObject({ level: "ok" });

    const rot = await sb.json(["key", "rotate", "--json"], { env: ENV });
    expect(rot).toMatchObject({ ok: true, memories: 1, old_key_file_removed: keyFile });
    expect(existsSync(keyFile!)).toBe(false);
    expect(keyFiles()).toHaveLength(1);
    expect((await sb.json(["recall", "quokkaword", "--mode", "keyword", "--json"], { cwd: project, env: ENV })).results).toHaveLength(1);
    await sb.ok(["audit", "verify"], { env: ENV });
    // A rotation killed after the switch leaves the old key file (QA): doctor says so, --repair removes it, and
    // so does the next rotation.
    const leave = () => writeFileSync(keyFile!, `${"cd".repeat(32)}\n`, { mode: 0o600 });
    const oldKeyCheck = async (args: string[]) => JSON.parse((await sb.run(["doctor", ...args, "--json"], { env: ENV })).stdout).checks.find((c: { name: string }) => c.name === "old key file");
    leave();
    expect(await oldKeyCheck([])).toMatchObject({ level: "warn", detail: expect.stringContaining(`${keyFile} is the key from before the store's last key rotation`) });
    expect(await oldKeyCheck(["--repair"])).toMatchObject({ level: "ok", detail: expect.stringContaining(`removed ${keyFile}`) });
    expect(existsSync(keyFile!)).toBe(false);
    expect(await oldKeyCheck([])).toBeUndefined();
    leave();
    const [second] = keyFiles().filter((f) => f !== keyFile);
    expect(await sb.json(["key", "rotate", "--json"], { env: ENV })).toMatchObject({ ok: true, old_key_file_removed: second, earlier_key_file_removed: keyFile });
    expect(keyFiles()).toHaveLength(1);
    expect((await sb.json(["recall", "quokkaword", "--mode", "keyword", "--json"], { cwd: project, env: ENV })).results).toHaveLength(1);

    await sb.ok(["decrypt"], { env: ENV });
    const plain = await sb.run(["doctor", "--json"], { env: ENV });
    expect(JSON.parse(plain.stdout).checks.find((c: { name: string }) => c.name === "encryption").detail).toContain("not encrypted");
    expect((await sb.json(["recall", "quokkaword", "--mode", "keyword", "--json"], { cwd: project, env: ENV })).results).toHaveLength(1);
    await sb.ok(["audit", "verify"], { env: ENV });
    // Plain again, the next write makes a key of its own, and doctor finds nothing amiss with it.
    await sb.ok(["remember", "the quokkaword cache has a second tier"], { cwd: project, env: ENV });
    expect(existsSync(auditKey)).toBe(true);
    const after = JSON.parse((await sb.run(["doctor", "--json"], { env: ENV })).stdout).checks as Array<{ name: string; level: string }>;
    const audit = after.filter((c) => c.name.includes("audit"));
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.filter((c) => c.level !== "ok" && c.level !== "info").map((c) => c.name)).toEqual([]);
    await sb.ok(["audit", "verify"], { env: ENV });
  });

  test("a missing, wrong or unsafe key: exit 1, a clear error, nothing written", async () => {
    await sb.ok(["init", "--encrypt"], { env: ENV });
    await sb.ok(["remember", "the otterword runbook lives in ops"], { env: ENV });
    const before = dbBytes();
    const [keyFile] = keyFiles();
    renameSync(keyFile!, `${keyFile}.away`);
    const missing = await sb.run(["remember", "something new"], { env: ENV });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("is encrypted and no key for it was found");
    const doctor = await sb.run(["doctor", "--json"], { env: ENV });
    expect(doctor.exitCode).toBe(1);
    expect(JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "encryption")).toMatchObject({ level: "fail" });
    const wrong = await sb.run(["recall", "otterword"], { env: { ...ENV, CAIRN_KEY: "ab".repeat(32) } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("is not its key");
    renameSync(`${keyFile}.away`, keyFile!);
    chmodSync(keyFile!, 0o644);
    const unsafe = await sb.run(["remember", "something new"], { env: ENV });
    expect(unsafe.exitCode).toBe(1);
    expect(unsafe.stderr).toContain("chmod 600");
    expect(dbBytes()).toBe(before);
    chmodSync(keyFile!, 0o600);
    expect((await sb.json(["recall", "otterword", "--mode", "keyword", "--json"], { env: ENV })).results).toHaveLength(1);
    // Already encrypted; and a keychain where none exists: clear errors, nothing changed.
    const again = await sb.run(["encrypt"], { env: ENV });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("already encrypted");
    // The copy an encrypt killed after its commit leaves (the store in the clear) goes with the retry (QA).
    const left = `${join(sb.cairnHome, "cairn.db")}.backup-1700000000000`;
    writeFileSync(left, "otterword in the clear", { mode: 0o600 });
    const retry = await sb.run(["encrypt"], { env: ENV });
    expect(retry.exitCode).toBe(0);
    expect(retry.stdout).toContain(`Removed the copy an interrupted encrypt left beside it, which held it in the clear: ${left}`);
    expect(existsSync(left)).toBe(false);
    if (!Bun.which("secret-tool") && !Bun.which("security")) {
      const rotate = await sb.run(["key", "rotate", "--keychain"], { env: ENV });
      expect(rotate.exitCode).toBe(1);
      expect(rotate.stderr).toContain("No OS keychain is available here");
      expect(keyFiles()).toEqual([keyFile!]);
    }
  });

  test("a tampered or swapped row is named and refused; the rest still reads", async () => {
    await sb.ok(["init", "--encrypt"], { env: ENV });
    await sb.ok(["remember", "first ferretword note", "--project", "github.com/acme/a"], { env: ENV });
    await sb.ok(["remember", "second ferretword note", "--project", "github.com/acme/a"], { env: ENV });
    await sb.ok(["remember", "third unrelated note", "--project", "github.com/acme/a"], { env: ENV });
    const db = new Database(join(sb.cairnHome, "cairn.db"));
    const rows = db.query("SELECT id, content FROM memories ORDER BY seq").all() as Array<{ id: string; content: string }>;
    // Swap the first two contents (each is valid ciphertext, of the other row).
    db.query("UPDATE memories SET content = ? WHERE id = ?").run(rows[1]!.content, rows[0]!.id);
    db.query("UPDATE memories SET content = ? WHERE id = ?").run(rows[0]!.content, rows[1]!.id);
    db.close();
    const before = dbBytes();
    const swapped = await sb.run(["get", rows[0]!.id], { env: ENV });
    expect(swapped.exitCode).toBe(1);
    expect(swapped.stderr).toContain(`memory ${rows[0]!.id}`);
    expect(swapped.stderr).toContain("fails its integrity check");
    const recall = await sb.run(["recall", "ferretword", "--project", "github.com/acme/a", "--mode", "keyword"], { env: ENV });
    expect(recall.exitCode).toBe(1);
    expect(dbBytes()).toBe(before);
    // One flipped character in the third row: named too.
    const db2 = new Database(join(sb.cairnHome, "cairn.db"));
    const c = rows[2]!.content;
    const flipped = c.slice(0, 20) + (c[20] === "A" ? "B" : "A") + c.slice(21);
    db2.query("UPDATE memories SET content = ? WHERE id = ?").run(flipped, rows[2]!.id);
    db2.close();
    const tampered = await sb.run(["get", rows[2]!.id], { env: ENV });
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stderr).toContain(`memory ${rows[2]!.id}`);
    // What the error advises works: each damaged memory can be erased, and the rest of the store reads again (QA).
    // A hold in force on anything: whether it covers the unreadable memory cannot be told, so nothing is erased.
    const { hold } = await sb.json<{ hold: { id: string } }>(["hold", "add", "--tag", "contract-dispute", "--reason", "litigation", "--json"], { env: ENV });
    const refused = await sb.run(["forget", rows[2]!.id, "--hard", "--yes"], { env: ENV });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("whether a legal hold covers it cannot be told");
    await sb.ok(["hold", "release", hold.id, "--reason", "case closed"], { env: ENV });
    for (const row of rows.slice(0, 3)) {
      const erased = await sb.json<{ status: string; receipt: { content_hash: string } }>(["forget", row.id, "--hard", "--yes", "--json"], { env: ENV });
      expect(erased).toMatchObject({ status: "purged", receipt: { content_hash: expect.stringMatching(/^hmac:/) } });
    }
    await sb.ok(["remember", "written once the damaged rows were erased", "--project", "github.com/acme/a"], { env: ENV });
    const left = await sb.json<{ memories: Array<{ content: string }> }>(["list", "--all-projects", "--json"], { env: ENV });
    expect(left.memories.map((m) => m.content)).toEqual(["written once the damaged rows were erased"]);
    expect((await sb.run(["audit", "verify"], { env: ENV })).exitCode).toBe(0);
  });

  test("a passphrase store: scrypt once per process, a wrong passphrase is refused", async () => {
    const env = { ...ENV, CAIRN_PASSPHRASE: "correct horse battery", CAIRN_KDF_LOG_N: "12" };
    await sb.ok(["init", "--encrypt", "--passphrase"], { env });
    expect(keyFiles()).toEqual([]);
    await sb.ok(["remember", "the badgerword build uses bun"], { env });
    expect((await sb.json(["recall", "badgerword", "--mode", "keyword", "--json"], { env })).results).toHaveLength(1);
    const wrong = await sb.run(["recall", "badgerword"], { env: { ...env, CAIRN_PASSPHRASE: "wrong horse" } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("from CAIRN_PASSPHRASE");
    const none = await sb.run(["recall", "badgerword"], { env: ENV });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain("CAIRN_PASSPHRASE");
  });

  test("key rotate never keeps the secret that unlocked the store: a passphrase store takes CAIRN_NEW_PASSPHRASE, a key store a new key file (QA)", async () => {
    const env = { ...ENV, CAIRN_PASSPHRASE: "leaked horse battery", CAIRN_KDF_LOG_N: "12" };
    await sb.ok(["init", "--encrypt", "--passphrase"], { env });
    await sb.ok(["remember", "the otterword rotation note"], { env });
    // No new passphrase and no terminal: refused, and the old one still opens the store.
    const none = await sb.run(["key", "rotate"], { env });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("CAIRN_NEW_PASSPHRASE");
    const same = await sb.run(["key", "rotate"], { env: { ...env, CAIRN_NEW_PASSPHRASE: "leaked horse battery" } });
    expect(same.exitCode).toBe(2);
    expect(same.stderr).toContain("is the same secret as CAIRN_PASSPHRASE");
    await sb.ok(["list"], { env });
    expect(await sb.json(["key", "rotate", "--json"], { env: { ...env, CAIRN_NEW_PASSPHRASE: "fresh horse battery" } })).toMatchObject({ ok: true, key: "the passphrase in CAIRN_NEW_PASSPHRASE (scrypt): give it as CAIRN_PASSPHRASE from now on" });
    expect((await sb.run(["list"], { env })).exitCode).toBe(1);
    expect((await sb.json(["recall", "otterword", "--mode", "keyword", "--json"], { env: { ...env, CAIRN_PASSPHRASE: "fresh horse battery" } })).results).toHaveLength(1);
    // A key given in CAIRN_KEY: the new one goes to a key file, and CAIRN_KEY no longer opens the store.
    await sb.ok(["decrypt"], { env: { ...env, CAIRN_PASSPHRASE: "fresh horse battery" } });
    const key = "ab".repeat(32);
    await sb.ok(["encrypt"], { env: { ...ENV, CAIRN_KEY: key } });
    const malformed = await sb.run(["key", "rotate"], { env: { ...ENV, CAIRN_KEY: key, CAIRN_NEW_KEY: "abc" } });
    expect(malformed.exitCode).not.toBe(0);
    expect(malformed.stderr).toContain("CAIRN_NEW_KEY");
    const rotated = await sb.json<{ key: string }>(["key", "rotate", "--json"], { env: { ...ENV, CAIRN_KEY: key } });
    expect(rotated.key).toEndWith(".key");
    expect((await sb.run(["list"], { env: { ...ENV, CAIRN_KEY: key } })).exitCode).toBe(1);
    expect((await sb.json(["recall", "otterword", "--mode", "keyword", "--json"], { env: ENV })).results).toHaveLength(1);
  });

  test("hook session state of an encrypted store is sealed; its words are in no file; the session still reads it", async () => {
    const project = sb.project("shop");
    await sb.ok(["init", "--encrypt"], { env: ENV });
    await sb.ok(["remember", "the hedgehogword deploy uses blue green", "--project", project], { env: ENV });
    const session = "5e55a0e1-aaaa-4bbb-8ccc-0000000000e1";
    const vars = { cwd: project, session };
    const hook = async (event: string, stdin: string) => {
      const r = await sb.run(["hook", event], { cwd: project, stdin, env: { ...ENV, CLAUDE_PROJECT_DIR: project } });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe("");
    };
    const prompt = "please look at how the hedgehogword deploy handles the pangolinword migration before friday";
    await hook("prompt", fixture("prompt", { ...vars, prompt }));
    await hook("stop", fixture("stop", { ...vars, message: "the pangolinword migration is fine; armadilloword next" }));
    const file = join(sb.cairnHome, "hooks", `${session}.json`);
    expect(readFileSync(file, "utf8").startsWith("c1:")).toBe(true);
    expect(scan(["pangolinword", "armadilloword"])).toEqual([]);
    // The next event of the session reads the sealed state (and seals it again).
    await hook("prompt", fixture("prompt", { ...vars, prompt: "and the otherword thing" }));
    expect(readFileSync(file, "utf8").startsWith("c1:")).toBe(true);
  });

  test("hooks.log of an encrypted store is sealed; `cairn logs` opens it with the key and lists it as sealed without", async () => {
    const project = sb.project("shop");
    await sb.ok(["init", "--encrypt"], { env: ENV });
    await sb.ok(["remember", "the wombatword deploy uses blue green", "--project", project], { env: ENV });
    const stdin = fixture("prompt", { cwd: project, session: "5e55a0e1-aaaa-4bbb-8ccc-0000000000e2", prompt: "how does the wombatword deploy work" });
    const r = await sb.run(["hook", "prompt"], { cwd: project, stdin, env: { ...ENV, CLAUDE_PROJECT_DIR: project, CAIRN_HOOK_DEBUG: "1" } });
    expect(r.exitCode).toBe(0);
    const raw = readFileSync(join(sb.cairnHome, "hooks.log"), "utf8");
    expect(raw).toContain(" sealed:");
    expect(raw).not.toContain("prompt ok");
    const opened = await sb.json(["logs", "hooks", "--json"], { env: ENV });
    const lines = opened.logs.hooks.lines as { text: string; sealed: boolean; readable: boolean }[];
    expect(lines.some((l) => l.sealed && l.readable && l.text.startsWith("prompt ok"))).toBe(true);
    const human = await sb.ok(["logs"], { env: ENV });
    expect(human.stdout).toContain("sealed on disk");
    expect(human.stdout).toContain("prompt ok");
    const keyless = await sb.run(["logs", "hooks", "--json"], { env: { ...ENV, CAIRN_KEY_FILE: join(sb.home, "absent.key") } });
    expect(keyless.exitCode).toBe(0);
    expect(keyless.stderr).toContain("stay sealed");
    const hidden = JSON.parse(keyless.stdout).logs.hooks.lines as { text: string; readable: boolean }[];
    expect(hidden.length).toBe(lines.length);
    expect(hidden.every((l) => !l.readable && !l.text.includes("prompt ok"))).toBe(true);
  });

  test("newStores: encrypted — the first write, a hook or init creates the store encrypted; an existing plain store stays plain", async () => {
    const cfgEnv = { ...ENV, CAIRN_NEW_STORES: "encrypted" };
    // The CLI's first write.
    const first = await sb.run(["remember", "the marmotword queue drains hourly"], { env: cfgEnv });
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain("Created an encrypted store");
    expect(keyFiles()).toHaveLength(1);
    expect(await encryptionDetail(sb)).toStartWith("encrypted");
    expect(scan(["marmotword"])).toEqual([]);
    // A hook that captures into a store nobody created yet (another CAIRN_HOME), config set in the file.
    const other = createSandbox("cairn-e2e-enc-hook-");
    try {
      await other.ok(["config", "set", "newStores", "encrypted"], { env: ENV });
      const project = other.project("shop");
      const stdin = fixture("post-tool-bash-failure", { cwd: project, command: "npm run build", error: "Error: Cannot find module 'quokkaword'\n    at Function.resolve (node:internal/modules/cjs/loader:1145:15)" });
      const r = await other.run(["hook", "post-tool-failure"], { cwd: project, stdin, env: { ...ENV, CLAUDE_PROJECT_DIR: project } });
      expect(r.exitCode).toBe(0);
      expect(existsSync(join(other.cairnHome, "cairn.db"))).toBe(true);
      expect(await encryptionDetail(other)).toStartWith("encrypted");
      const init = await other.json(["init", "--json"], { env: ENV });
      expect(init).toMatchObject({ created: false, encrypted: true });
    } finally {
      other.cleanup();
    }
  });

  test("newStores: encrypted leaves an existing plain store plain and says how to convert it", async () => {
    await sb.ok(["init"], { env: ENV });
    const r = await sb.ok(["init"], { env: { ...ENV, CAIRN_NEW_STORES: "encrypted" } });
    expect(r.stdout).toContain("(plain)");
    expect(r.stdout).toContain("cairn encrypt");
    await sb.ok(["remember", "still a plain note"], { env: { ...ENV, CAIRN_NEW_STORES: "encrypted" } });
    // Asked explicitly, it is an error with its own code (exit 2), and nothing changes.
    const explicit = await sb.run(["init", "--encrypt", "--json"], { env: ENV });
    expect(explicit.exitCode).toBe(2);
    expect(JSON.parse(explicit.stdout).error.code).toBe("PLAIN_STORE_EXISTS");
    expect(keyFiles()).toEqual([]);
    expect(await encryptionDetail(sb)).toStartWith("not encrypted");
    const bad = await sb.run(["config", "set", "newStores", "sealed"], { env: ENV });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("plain, encrypted");
  });

  test("8 concurrent writers on an encrypted store: every memory stored and readable, one audit chain", async () => {
    await sb.ok(["init", "--encrypt"], { env: ENV });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sb.run(["remember", `parallel note ${i} about the wombatword`], { env: ENV })));
    for (const r of results) expect(r.exitCode).toBe(0);
    const found = await sb.json(["recall", "wombatword", "--mode", "keyword", "--limit", "20", "--json"], { env: ENV });
    expect(found.results).toHaveLength(8);
    await sb.ok(["audit", "verify"], { env: ENV });
  });
});
