/**
 * @module `cairn ui`: a local web page to see and fix what agents remember. The composition root of the
 * web transport (src/web/): one long-lived Engine, a server on 127.0.0.1 with a random token in its URL.
 */
import { defineCommand } from "citty";
import { cairnError, describeError } from "../../errors.ts";
import { log } from "../../log.ts";
import { newToken } from "../../web/guard.ts";
import { startUiServer } from "../../web/server.ts";
import { intFlag, jsonFlag } from "../flags.ts";
import { flushOutput, output, progress } from "../output.ts";
import { openRuntime } from "../runtime.ts";
import { cliActor } from "../session.ts";

/** How often the idle server finishes an erasure another process's read left pending (as `cairn mcp` does). */
const ERASURE_CHECK_MS = 2000;

export default defineCommand({
  meta: { name: "ui", description: "Open a local web page to search, read, fix and erase memories (127.0.0.1 only, with a secret token)." },
  args: {
    port: { type: "string", description: "port to listen on (default: a free one)", valueHint: "n" },
    open: { type: "boolean", description: "also open the page in the default browser" },
    ...jsonFlag,
  },
  async run({ args }) {
    const port = intFlag("port", args.port, 0, 0);
    if (port > 65535) throw cairnError("BAD_NUMBER", ["port", String(args.port), " from 0 to 65535"]);
    const runtime = openRuntime("ui", { actor: `ui:${cliActor().replace(/^cli:?/, "") || "local"}`, create: false });
    const { config, paths, engine } = runtime;
    let server: ReturnType<typeof startUiServer>;
    try {
      server = startUiServer({ engine, dataDir: paths.dataDir, dbFile: paths.dbFile, defaultMode: config.values.mode }, { port, token: newToken() });
    } catch (err) {
      // A port another program holds is the user's choice to change, not a fault to report.
      if (port !== 0 && /in use|EADDRINUSE/i.test(describeError(err))) throw cairnError("USAGE", [`Port ${port} is in use by another program: give another --port, or leave it out for a free one.`]);
      throw err;
    }
    if (args.json) output.json({ url: server.url, port: server.port, pid: process.pid });
    else output.text(`cairn ui: ${server.url}\nOpen it in a browser on this machine; Ctrl-C stops it.`);
    await flushOutput();
    // Not the URL with the token: a browser's command line is readable by every local user.
    if (args.open) openInBrowser(server.openingLink());
    const erasures = setInterval(() => runtime.betweenRequests(), ERASURE_CHECK_MS);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        progress(`cairn ui: ${signal}, stopping`);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    clearInterval(erasures);
    await server.stop();
    await runtime.close();
  },
});

/** xdg-open / open, detached; a machine without one just keeps the printed URL. */
function openInBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? null : "xdg-open";
  const bin = opener && Bun.which(opener);
  if (!bin) {
    log.warn(`ui: no ${opener ?? "browser opener"} found; open the URL above yourself`);
    return;
  }
  try {
    Bun.spawn([bin, url], { stdio: ["ignore", "ignore", "ignore"] }).unref();
  } catch (err) {
    log.warn(`ui: could not start ${opener}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
