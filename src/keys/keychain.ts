/**
 * @module The OS keychain as a key source: `security` (macOS login keychain) or `secret-tool` (Linux Secret
 * Service, e.g. GNOME Keyring / KWallet). Entries are service "cairn", account/attribute the store id. Where
 * neither tool exists (or no keyring answers), the caller says so and uses a key file instead.
 */
import { existsSync } from "node:fs";
import { cairnError } from "../errors.ts";

/** A tool's error output on one line (it goes inside a sentence). */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 200);

export interface Keychain {
  name: string;
  get(storeId: string): string | null;
  put(storeId: string, keyHex: string): void;
}

function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  return null;
}

function run(cmd: string[], stdin?: string): { ok: boolean; out: string; err: string } {
  const p = Bun.spawnSync(cmd, { stdin: stdin === undefined ? "ignore" : Buffer.from(stdin), stdout: "pipe", stderr: "pipe", timeout: 10_000 });
  return { ok: p.exitCode === 0, out: p.stdout.toString().trim(), err: p.stderr.toString().trim() };
}

/** The keychain of this machine, or why there is none. */
export function keychain(): Keychain | { unavailable: string } {
  if (process.platform === "darwin" && which("security")) {
    return {
      name: "macOS keychain",
      get: (id) => {
        const r = run(["security", "find-generic-password", "-s", "cairn", "-a", id, "-w"]);
        return r.ok ? r.out : null;
      },
      put: (id, key) => {
        const r = run(["security", "add-generic-password", "-U", "-s", "cairn", "-a", id, "-w", key]);
        if (!r.ok) throw cairnError("KEYCHAIN_UNAVAILABLE", [`the macOS keychain did not take the key: ${oneLine(r.err) || "security add-generic-password failed"}`]);
      },
    };
  }
  if (process.platform === "linux" && which("secret-tool")) {
    return {
      name: "Secret Service (secret-tool)",
      get: (id) => {
        const r = run(["secret-tool", "lookup", "service", "cairn", "store", id]);
        return r.ok && r.out ? r.out : null;
      },
      put: (id, key) => {
        const r = run(["secret-tool", "store", "--label", `cairn store ${id}`, "service", "cairn", "store", id], key);
        if (!r.ok) throw cairnError("KEYCHAIN_UNAVAILABLE", [`secret-tool could not store the key: ${oneLine(r.err) || "is a keyring running and unlocked?"}`]);
      },
    };
  }
  return {
    unavailable:
      process.platform === "darwin" ? "the `security` tool was not found" : process.platform === "linux" ? "`secret-tool` (libsecret) is not installed" : `no keychain support on ${process.platform}`,
  };
}
