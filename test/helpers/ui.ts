/**
 * @module Test helper: `dist/cairn ui --json` running in a sandbox (its URL, port, token and pid from the one
 * line it prints), raw HTTP requests with any Host header, and Debian's Chromium through playwright-core.
 */
import { existsSync } from "node:fs";
import { requireBinary } from "./bin.ts";
import type { Sandbox } from "./sandbox.ts";

export interface UiProcess {
  url: string;
  port: number;
  token: string;
  pid: number;
  base: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** The exit code, whenever it exits. */
  exited: Promise<number | null>;
}

export async function startUi(sb: Sandbox, cwd = sb.cwd, more: { args?: string[]; env?: Record<string, string> } = {}): Promise<UiProcess> {
  const env = sb.env({ CAIRN_LOG_LEVEL: "info", ...more.env });
  const proc = Bun.spawn([requireBinary(), "ui", "--json", ...(more.args ?? [])], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let err = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`cairn ui exited before printing its URL (exit ${await proc.exited}): ${err}`);
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const info = JSON.parse(out.split("\n")[0]!) as { url: string; port: number; pid: number };
  const token = new URL(info.url).searchParams.get("token")!;
  let stopped: Promise<number | null> | null = null;
  return {
    ...info,
    token,
    base: `http://127.0.0.1:${info.port}`,
    stderr: () => err,
    exited: proc.exited,
    stop: () => (stopped ??= (proc.kill("SIGTERM"), proc.exited)),
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** One HTTP/1.1 request over a plain TCP socket, so the Host header (which fetch sets itself) can be anything. */
export async function rawRequest(port: number, lines: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<RawResponse> {
  const body = lines.body ?? "";
  const head = [`${lines.method} ${lines.path} HTTP/1.1`, ...Object.entries({ ...lines.headers, "content-length": String(Buffer.byteLength(body)), connection: "close" }).map(([k, v]) => `${k}: ${v}`)];
  const text = await new Promise<string>((resolve, reject) => {
    let got = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (s) => void s.write(`${head.join("\r\n")}\r\n\r\n${body}`),
        data: (_s, chunk) => void (got += chunk.toString()),
        close: () => resolve(got),
        error: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

/** The local addresses listening on `port` (from /proc/net/tcp and tcp6), e.g. ["127.0.0.1"]; null off Linux. */
export function listeningAddresses(port: number): string[] | null {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) return null;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== "0A") continue; // 0A: LISTEN
      const [addr, portHex] = cols[1]!.split(":");
      if (parseInt(portHex!, 16) !== port) continue;
      out.push(addr!.length === 8 ? addr!.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join(".") : `[${addr}]`);
    }
  }
  return out;
}

export const CHROMIUM = process.env.CAIRN_CHROMIUM || "/usr/bin/chromium";
