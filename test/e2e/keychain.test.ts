/**
 * @module The OS keychain as a key source against a real one: Linux Secret Service through `secret-tool`, served
 * by gnome-keyring in a private D-Bus session (`dbus-run-session`). `init --encrypt --keychain` leaves no key
 * file; later commands find the key in the keychain; `key rotate --keychain` replaces it; outside the session
 * (no keyring answering) the store says the key is missing. Skipped, saying why, where the tools are absent
 * (`.ci/run` installs libsecret-tools and gnome-keyring).
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

const TOOLS = ["secret-tool", "gnome-keyring-daemon", "dbus-run-session"];
const missing = TOOLS.filter((t) => !Bun.which(t));
if (missing.length > 0) console.warn(`keychain test skipped: ${missing.join(", ")} not installed (apt-get install libsecret-tools gnome-keyring)`);

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-keychain-");
});
afterEach(() => sb.cleanup());

/** Runs the shell `script` inside a private D-Bus session with an unlocked gnome-keyring; `$CAIRN` is the binary. */
async function inKeyring(script: string): Promise<{ code: number; out: string; err: string }> {
  const unlock = "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1";
  const p = Bun.spawn(["dbus-run-session", "--", "sh", "-ec", `${unlock}\n${script}`], {
    cwd: sb.cwd,
    env: sb.env({ CAIRN: CAIRN_BIN, CAIRN_HOOK_DAEMON: "off", CAIRN_NO_PROMPT: "1", XDG_DATA_HOME: join(sb.home, ".local", "share") }),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}

const keyFiles = () => {
  const dir = join(sb.home, ".config", "cairn");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".key")) : [];
};

test.skipIf(missing.length > 0)("a real Secret Service keychain holds the key: no key file, found again, rotated; without the keyring the key is missing", async () => {
  const r = await inKeyring(
    [
      '"$CAIRN" init --encrypt --keychain --json',
      '"$CAIRN" remember "the keychainword service deploys on fridays" --json >/dev/null',
      '"$CAIRN" recall keychainword --mode keyword --json',
      '"$CAIRN" key rotate --keychain --json >/dev/null',
      '"$CAIRN" recall keychainword --mode keyword --json',
      '"$CAIRN" doctor --json',
    ].join("\n"),
  );
  expect(r.code, r.err).toBe(0);
  const docs = r.out.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const [init, before, after, doctor] = docs;
  expect(init).toMatchObject({ created: true, encrypted: true, key: "Secret Service (secret-tool)" });
  for (const recall of [before, after]) expect(recall.results.map((m: { content: string }) => m.content)).toEqual(["the keychainword service deploys on fridays"]);
  expect(JSON.stringify(doctor)).toContain("Secret Service (secret-tool)");
  expect(keyFiles()).toEqual([]);
  // Outside the D-Bus session nothing answers: a clear error, exit 1.
  const outside = await sb.run(["recall", "keychainword", "--mode", "keyword"], { env: { CAIRN_NO_PROMPT: "1" } });
  expect(outside.exitCode).toBe(1);
  expect(outside.stderr).toContain("OS keychain");
});
