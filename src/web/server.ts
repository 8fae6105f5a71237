/**
 * @module The `cairn ui` HTTP server: Bun's HTTP server on 127.0.0.1 only (loopback; never another interface), every
 * request through the guard (guard.ts), the page and its assets embedded in the binary as text, the API in
 * api.ts. No CDN, no font or script from anywhere else: the Content-Security-Policy forbids it too.
 */
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import { type ApiContext, handleApi } from "./api.ts";
import { SAFE_HEADERS, newToken, refusal, sameToken } from "./guard.ts";
import { ASSETS, PAGE } from "./assets.ts";

/** The only address the server listens on. */
export const UI_HOST = "127.0.0.1";

export interface UiServer {
  url: string;
  port: number;
  /**
   * A link that opens the page once, within {@link OPENING_LINK_MS}, without the token: what `--open` hands the
   * browser, whose command line every local user can read (`ps`). Its first use is answered with a redirect to
   * the page's URL; a second use is refused and reported (someone else may have read it).
   */
  openingLink(): string;
  stop(): Promise<void>;
}

/** How long an opening link stays usable. */
export const OPENING_LINK_MS = 120_000;

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
    const opening = url.pathname === "/" && url.searchParams.get("open");
    if (opening && req.method === "GET" && refusal(req, token, port) === "missing or wrong token") return open(opening);
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
  const links = new Map<string, { until: number; used: boolean }>();
  function open(link: string): Response {
    const known = [...links].find(([l]) => sameToken(link, l))?.[1];
    if (known && !known.used && Date.now() <= known.until) {
      known.used = true;
      return answer(new Response(null, { status: 303, headers: { location: `/?token=${token}` } }));
    }
    const why = !known ? "an unknown opening link" : known.used ? "an opening link used already" : "an expired opening link";
    // Used twice: the browser and someone who read its command line. Whoever came second is told, and so is the user.
    if (known?.used) log.warn(`ui: ${why} was tried again; if your browser did not open the page, someone else may have: stop cairn ui (Ctrl-C) and start it again`);
    return answer(new Response(`Forbidden: ${why}. Open the URL cairn ui printed instead.\n`, { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } }));
  }
  port = server.port!;
  return {
    url: `http://${UI_HOST}:${port}/?token=${token}`,
    port,
    openingLink() {
      const link = newToken();
      links.set(link, { until: Date.now() + OPENING_LINK_MS, used: false });
      return `http://${UI_HOST}:${port}/?open=${link}`;
    },
    stop: () => server.stop(true),
  };
}

function answer(res: Response): Response {
  for (const [k, v] of Object.entries(SAFE_HEADERS)) res.headers.set(k, v);
  return res;
}
