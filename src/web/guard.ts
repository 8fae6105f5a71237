/**
 * @module Who may talk to `cairn ui`: the page and API answer only requests that carry the session's random
 * token, name this server in their Host header (DNS rebinding: a foreign name that resolves to 127.0.0.1
 * would otherwise reach it), and, for anything that changes state, come from the page itself (Origin and
 * Sec-Fetch-Site, when the browser sends them, must be this origin). Everything else gets 403.
 */

/** 256 random bits, hex: unguessable, and safe in a URL as is. */
export function newToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares without an early exit, so response time says nothing about how much of a guess was right. */
export function sameToken(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Why a request is refused, or null when it may go on. */
export function refusal(req: Request, token: string, port: number): string | null {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.get("host");
  if (host === null || !hosts.includes(host.toLowerCase())) return `foreign Host header ${JSON.stringify(host)}`;
  const url = new URL(req.url);
  if (!sameToken(req.headers.get("x-cairn-token") ?? url.searchParams.get("token"), token)) return "missing or wrong token";
  if (READ_METHODS.has(req.method)) return null;
  const origin = req.headers.get("origin");
  if (origin !== null && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) return `cross-origin ${req.method} from ${origin}`;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return `${req.method} from a ${site} page`;
  // A form on another site can POST only simple content types; JSON needs a preflight this server never grants.
  if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) return `${req.method} without a JSON body`;
  return null;
}

/** Headers on every answer: no caching, no referrer (the URL holds the token), nothing loaded from elsewhere. */
export const SAFE_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};
