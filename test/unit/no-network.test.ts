/**
 * @module Zero egress, by construction: no file in src/ may reach for the network. Network modules and APIs
 * are refused everywhere but an explicit allow-list, and the allowed uses (the warm hook daemon and its
 * client) must speak over a Unix socket only. The one listening socket on an IP is `cairn ui`'s server, and it
 * must bind the loopback address 127.0.0.1 alone. Team sync (src/sync/) is the one place that may reach a server,
 * and only with Bun's PostgreSQL client.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../helpers/bin.ts";

const NETWORK =
  /from\s+["'](node:)?(net|http|https|http2|dgram|tls|dns)(\/[^"']*)?["']|require\(\s*["'](node:)?(net|http|https|http2|dgram|tls|dns)["']\s*\)|\bfetch\s*\(|\bBun\.(serve|listen|connect|udpSocket)\b|\bnew\s+(WebSocket|EventSource|XMLHttpRequest)\b|\bBun\.(sql|SQL)\b|\bimport\s*\{[^}]*\bSQL\b[^}]*\}\s*from\s*["']bun["']/g;
/** Files allowed to open sockets, and only Unix ones: each use must name `unix:` and no host or port. */
const UNIX_ONLY = new Set(["src/hooks/warm/server.ts", "src/hooks/warm/client.ts"]);
/**
 * `cairn ui` (src/web/server.ts): Bun.serve on loopback only, so nothing off this machine can reach it (its
 * e2e test also reads /proc/net/tcp for the address it really bound).
 */
const LOOPBACK_SERVER = "src/web/server.ts";
/**
 * The ui's browser script calls fetch() for its own API: same origin only (relative URLs on location.origin),
 * which the page's Content-Security-Policy (connect-src 'self') enforces in the browser as well.
 */
const BROWSER_SAME_ORIGIN = "src/web/assets/core.js";
/** Directories whose files may open a network connection, and only with Bun's PostgreSQL client (team sync). */
const NETWORK_ALLOWED: ReadonlyArray<{ dir: string; use: RegExp }> = [{ dir: "src/sync/", use: /\bSQL\b|\bBun\.(sql|SQL)\b/ }];

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.[mc]?[tj]s$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

test("no source file reaches for the network outside the Unix-socket allow-list", () => {
  const offenders: string[] = [];
  const unixUses: string[] = [];
  const loopbackUses: string[] = [];
  const networkUses: string[] = [];
  for (const file of sources(join(REPO_ROOT, "src"))) {
    const rel = relative(REPO_ROOT, file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(NETWORK)) {
      const use = `${rel}: ${m[0]}`;
      if (rel === BROWSER_SAME_ORIGIN && /^fetch\s*\($/.test(m[0])) {
        if (!/fetch\(url, init\)/.test(text.slice(m.index!, m.index! + 20)) || !/new URL\(path, location\.origin\)/.test(text)) offenders.push(`${use} (not same-origin)`);
        continue;
      }
      if (rel === LOOPBACK_SERVER && m[0] === "Bun.serve") {
        // The options that follow name the loopback host, and that constant is 127.0.0.1 and nothing else.
        const call = text.slice(m.index!, m.index! + 400);
        if (/\bhostname\s*:\s*UI_HOST\b/.test(call) && /export const UI_HOST = "127\.0\.0\.1";/.test(text) && !/\bunix\s*:/.test(call)) loopbackUses.push(use);
        else offenders.push(`${use} (not bound to 127.0.0.1 only)`);
        continue;
      }
      if (NETWORK_ALLOWED.some((a) => rel.startsWith(a.dir) && a.use.test(m[0]))) {
        networkUses.push(use);
        continue;
      }
      if (!UNIX_ONLY.has(rel) || !/^Bun\.(listen|connect)$/.test(m[0])) {
        offenders.push(use);
        continue;
      }
      // The options object that follows: a Unix socket path, never a hostname or port.
      const call = text.slice(m.index!, m.index! + 400);
      if (!/\bunix\s*:/.test(call) || /\b(hostname|port)\s*:/.test(call)) offenders.push(`${use} (not a Unix socket)`);
      else unixUses.push(use);
    }
  }
  expect(offenders).toEqual([]);
  // The allow-list is in use (a rename would otherwise leave this test checking nothing).
  expect(unixUses.length).toBeGreaterThanOrEqual(2);
  expect(loopbackUses).toEqual([`${LOOPBACK_SERVER}: Bun.serve`]);
  expect(networkUses.length).toBeGreaterThanOrEqual(1);
});
