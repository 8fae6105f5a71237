/**
 * @module The `cairn ui` HTTP server: Bun's HTTP server on 127.0.0.1 only (loopback; never another interface), every
 * request through the guard (guard.ts), the page and its assets embedded in the binary as text, the API in
 * api.ts. No CDN, no font or script from anywhere else: the Content-Security-Policy forbids it too.
 */
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import { type ApiContext, handleApi } from "./api.ts";
import { SAFE_HEADERS, refusal } from "./guard.ts";
import { ASSETS, PAGE } from "./assets.ts";

/** The only address the server listens on. */
export const UI_HOST = "127.0.0.1";

export interface UiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts serving; `port` 0 picks a free one. */
export function startUiServer(ctx: ApiContext, opts: { port: number; token: string }): UiServer {
  const { token } = opts;
  let port = 0;
  const server = Bun.serve({
    hostname: UI_HOST,
    port: opts.port,
    // Never share a port with another process (Linux's SO_REUSEPORT): a second `cairn ui --port N` on a port in
    // use must fail, not split the requests (and each one's token) between two servers.
    reusePort: false,
    // A dashboard on a big store may take a moment; Bun's default idle timeout (10 s) is plenty otherwise.
    idleTimeout: 60,
    // Never Bun's development error page (a stack trace and the server's source): a plain 500 at most.
    development: false,
    fetch: (req) => handle(req),
    error: (err) => {
      log.warn(`ui: ${describeError(err)}`);
      return answer(new Response("Internal error.\n", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } }));
    },
  });
  async function handle(req: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      // A Host header that is no host:port ("127.0.0.1:abc") makes no URL: refused like a foreign one.
      return answer(new Response("Forbidden: malformed Host header.\n", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } }));
    }
    const why = refusal(req, token, port);
    if (why) {
      log.warn(`ui: refused ${req.method} ${url.pathname}: ${why}`);
      return answer(new Response(`Forbidden: ${why}.\n`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } }));
    }
    log.info(`ui: ${req.method} ${url.pathname}`);
    if (url.pathname.startsWith("/api/")) return answer(await handleApi(ctx, req, url));
    if (req.method !== "GET" && req.method !== "HEAD") return answer(new Response("Method not allowed.\n", { status: 405 }));
    if (url.pathname === "/") {
      // Asset URLs carry the token too: every request must.
      return answer(new Response(PAGE.replaceAll("{{TOKEN}}", token), { headers: { "content-type": "text/html; charset=utf-8" } }));
    }
    const asset = ASSETS[url.pathname];
    if (asset) return answer(new Response(asset.body, { headers: { "content-type": asset.type } }));
    return answer(new Response("Not found.\n", { status: 404 }));
  }
  port = server.port!;
  return {
    url: `http://${UI_HOST}:${port}/?token=${token}`,
    port,
    stop: () => server.stop(true),
  };
}

function answer(res: Response): Response {
  for (const [k, v] of Object.entries(SAFE_HEADERS)) res.headers.set(k, v);
  return res;
}
