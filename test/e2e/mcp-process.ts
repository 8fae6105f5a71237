/** @module Test helper: a spawned `cairn mcp` process spoken to line by line, keeping every stdout line for checks. */
import type { Subprocess } from "bun";

export class McpProcess {
  readonly proc: Subprocess<"pipe", "pipe", "pipe">;
  /** Every stdout line, raw. */
  readonly lines: string[] = [];
  /** Every stdout line that parsed as JSON. */
  readonly messages: any[] = [];
  readonly exited: Promise<number>;
  #nextId = 1;
  #waiting = new Map<number, (m: any) => void>();
  #stderr = "";

  /**
   * `opts.env` replaces the inherited environment; `opts.wrap` runs the server under another command (e.g. strace);
   * `opts.args` follow `mcp`.
   */
  constructor(bin: string, opts: { home: string; cwd: string; env?: Record<string, string>; wrap?: string[]; args?: string[] }) {
    this.proc = Bun.spawn([...(opts.wrap ?? []), bin, "mcp", ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), CAIRN_HOME: opts.home, CAIRN_LOG_LEVEL: "warn" },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.exited = this.proc.exited;
    void this.#read();
    void new Response(this.proc.stderr).text().then((t) => (this.#stderr = t));
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of this.proc.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.lines.push(line);
        let msg: any;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        this.messages.push(msg);
        if (typeof msg?.id === "number") this.#waiting.get(msg.id)?.(msg);
      }
    }
    if (buffered !== "") this.lines.push(buffered);
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
    this.proc.stdin.flush();
  }

  request(method: string, params?: unknown): Promise<any> {
    const id = this.#nextId++;
    const reply = new Promise((resolve, reject) => {
      this.#waiting.set(id, resolve);
      void this.exited.then((code) => reject(new Error(`cairn mcp exited (${code}) before answering ${method}: ${this.#stderr}`)));
    });
    this.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }));
    return reply;
  }

  call(name: string, args: Record<string, unknown> = {}): Promise<any> {
    return this.request("tools/call", { name, arguments: args });
  }

  async initialize(): Promise<any> {
    const init = await this.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "e2e", version: "1" },
    });
    this.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    return init;
  }

  closeStdin(): void {
    void this.proc.stdin.end();
  }

  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The stdio rule: nothing but JSON-RPC 2.0 messages, one per line, ever reaches stdout. */
  assertAllStdoutIsJsonRpc(): void {
    for (const line of this.lines) {
      let msg: any;
      try {
        msg = JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
      }
      const ok =
        msg?.jsonrpc === "2.0" &&
        (typeof msg.method === "string" || ("id" in msg && ("result" in msg || "error" in msg)));
      if (!ok) throw new Error(`stdout line is not JSON-RPC 2.0: ${line.slice(0, 200)}`);
    }
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && !this.proc.killed) this.proc.kill("SIGKILL");
    await this.exited;
  }
}
