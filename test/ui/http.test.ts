/**
 * @module `cairn ui` at the HTTP level, no browser needed: the token, Host and origin checks refuse with 403
 * and change nothing; the server listens on 127.0.0.1 only; --json; SIGTERM stops it cleanly; the API edits,
 * forgets, restores and erases through the one Engine (checked through the CLI); the dashboard shows what
 * hooks injected and captured.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun, requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { listeningAddresses, rawRequest, startUi, type UiProcess } from "../helpers/ui.ts";
import { fixture } from "../hooks/helpers.ts";

let sb: Sandbox;
let ui: UiProcess;
let id: string;
const TEXT = "deploys go through the staging cluster first";

beforeAll(async () => {
  sb = createSandbox("cairn-ui-http-");
  id = (await sb.json(["remember", TEXT, "--type", "decision", "--json"])).id;
  ui = await startUi(sb);
});
afterAll(async () => {
  await ui?.stop();
  sb.cleanup();
});

const withToken = (path: string) => `${path}${path.includes("?") ? "&" : "?"}token=${ui.token}`;
const contentNow = async () => (await sb.json(["get", id, "--json"])).content as string;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ui.base}${path}`, { method: "POST", headers: { "x-cairn-token": ui.token, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("cairn ui refuses what is not its own page", () => {
  test("--json prints url, port and pid; the URL carries a 256-bit token", () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/?token=${ui.token}`);
    expect(ui.token).toMatch(/^[0-9a-f]{64}$/);
    expect(ui.pid).toBeGreaterThan(0);
  });

  test("a second `cairn ui --port` on the port in use fails, naming it; it never shares the port", async () => {
    const second = Bun.spawn([requireBinary(), "ui", "--json", "--port", String(ui.port)], { cwd: sb.cwd, env: sb.env(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => second.kill(), 15_000);
    const code = await second.exited;
    clearTimeout(timer);
    expect(code).toBe(2);
    expect(await new Response(second.stderr).text()).toContain(`Port ${ui.port} is in use`);
    // The first server still answers every request with its own token.
    for (let i = 0; i < 6; i++) expect((await fetch(`${ui.base}${withToken("/api/meta")}`)).status).toBe(200);
  });

  test("it listens on 127.0.0.1 and nowhere else", () => {
    const addresses = listeningAddresses(ui.port);
    if (addresses === null) return; // not Linux: no /proc/net/tcp to read
    expect(addresses).toEqual(["127.0.0.1"]);
  });

  test("with the token, the page and its assets load", async () => {
    const page = await fetch(ui.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`/app.js?token=${ui.token}`);
    // Nothing is loaded from another host: every src/href is a path on this server, but for the empty icon
    // (`data:,`: the browser then asks for no /favicon.ico), which loads nothing at all.
    expect([...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]).filter((u) => !u!.startsWith("/") && u !== "data:,")).toEqual([]);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    for (const asset of ["/style.css", "/core.js", "/charts.js", "/views.js", "/app.js"]) expect((await fetch(`${ui.base}${withToken(asset)}`)).status).toBe(200);
  });

  test("no token or a wrong one: 403, for the page, assets and the API", async () => {
    for (const path of ["/", "/app.js", "/api/meta", `/api/memory?id=${id}`]) {
      expect((await fetch(`${ui.base}${path}`)).status).toBe(403);
      expect((await fetch(`${ui.base}${path}${path.includes("?") ? "&" : "?"}token=${"0".repeat(64)}`)).status).toBe(403);
    }
    const r = await fetch(`${ui.base}/api/forget`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id }) });
    expect(r.status).toBe(403);
    expect((await sb.json(["get", id, "--json"])).status).toBe("active");
  });

  test("a foreign Host header (DNS rebinding) gets 403 even with the token; localhost:<port> is fine", async () => {
    const path = withToken("/api/meta");
    for (const host of ["evil.example", `evil.example:${ui.port}`, "127.0.0.1", `127.0.0.1:${ui.port + 1}`, "127.0.0.1:abc", "127.0.0.1:99999", `127.0.0.1:${ui.port}.evil.com`]) {
      const r = await rawRequest(ui.port, { method: "GET", path, headers: { host } });
      expect(r.status).toBe(403);
      // Never Bun's debug page (stack trace, source, working directory).
      expect(r.body).not.toContain("cwd");
      expect(r.body.length).toBeLessThan(200);
    }
    expect((await rawRequest(ui.port, { method: "GET", path, headers: { host: `localhost:${ui.port}` } })).status).toBe(200);
    const edit = await rawRequest(ui.port, { method: "POST", path: withToken("/api/edit"), headers: { host: "evil.example", "content-type": "application/json" }, body: JSON.stringify({ id, content: "changed" }) });
    expect(edit.status).toBe(403);
    expect(await contentNow()).toBe(TEXT);
  });

  test("a cross-origin POST gets 403 and changes nothing", async () => {
    expect((await post("/api/edit", { id, content: "owned" }, { origin: "http://evil.example" })).status).toBe(403);
    expect((await post("/api/forget", { id }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post("/api/erase", { id, confirm: id }, { origin: `http://127.0.0.1:${ui.port + 1}` })).status).toBe(403);
    // A plain form post (no preflight) is refused too, token or not.
    const form = await fetch(`${ui.base}${withToken("/api/forget")}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `id=${id}` });
    expect(form.status).toBe(403);
    expect(await contentNow()).toBe(TEXT);
    expect((await sb.json(["get", id, "--json"])).status).toBe("active");
    expect(ui.stderr()).toContain("refused POST /api/edit: cross-origin POST from http://evil.example");
  });
});

describe("cairn ui's API over the one Engine", () => {
  test("edit, forget, restore from the page's origin, each seen by the CLI", async () => {
    const origin = { origin: ui.base, "sec-fetch-site": "same-origin" };
    const edited = await post("/api/edit", { id, content: `${TEXT}, then production`, tags: "deploy, ops" }, origin);
    expect(edited.status).toBe(200);
    const got = await sb.json(["get", id, "--json", "--history"]);
    expect(got.content).toBe(`${TEXT}, then production`);
    expect(got.tags).toEqual(["deploy", "ops"]);
    expect(got.history.some((e: { content_before: string | null }) => e.content_before === TEXT)).toBe(true);
    expect((await post("/api/forget", { id }, origin)).status).toBe(200);
    expect((await sb.json(["get", id, "--json"])).status).toBe("archived");
    expect((await post("/api/restore", { id }, origin)).status).toBe(200);
    expect((await sb.json(["get", id, "--json"])).status).toBe("active");
    // The version the page showed, changed since: refused, nothing saved (QA).
    const stale = await post("/api/edit", { id, content: "overwritten?", updated_at: "2020-01-01T00:00:00.000Z" }, origin);
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.code).toBe("CHANGED_SINCE");
    expect((await sb.json(["get", id, "--json"])).content).toBe(`${TEXT}, then production`);
    const current = (await sb.json(["get", id, "--json"])).updated_at as string;
    expect((await post("/api/edit", { id, priority: 5, updated_at: current }, origin)).status).toBe(200);
    const bad = await post("/api/edit", { id, type: "nonsense" }, origin);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("BAD_TYPE");
  });

  test("a memory under legal hold: edit, forget and erase are refused with 409 naming the hold, and nothing changes", async () => {
    const held = (await sb.json(["remember", "the vendor contract renews in March", "--json"])).id as string;
    const hold = (await sb.json(["hold", "add", "--id", held, "--reason", "litigation hold", "--json"])).hold.id as string;
    const origin = { origin: ui.base, "sec-fetch-site": "same-origin" };
    for (const [path, body] of [["/api/edit", { id: held, content: "changed" }], ["/api/forget", { id: held }], ["/api/erase", { id: held, confirm: held }]] as const) {
      const res = await post(path, body, origin);
      expect(res.status).toBe(409);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("HELD");
      expect(error.message).toContain(hold);
    }
    const after = await sb.json(["get", held, "--json"]);
    expect([after.content, after.status]).toEqual(["the vendor contract renews in March", "active"]);
  });

  test("erase needs the full id typed back, then purges and returns the receipt", async () => {
    const other = (await sb.json(["remember", "a secret-ish note to erase", "--json"])).id as string;
    const refused = await post("/api/erase", { id: other, confirm: "yes" });
    expect(refused.status).toBe(400);
    expect((await sb.json(["get", other, "--json"])).status).toBe("active");
    const r = await post("/api/erase", { id: other, confirm: other });
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body.status).toBe("purged");
    expect(body.receipt.audit_seq).toBeGreaterThan(0);
    const gone = await sb.run(["get", other, "--json"]);
    expect(gone.exitCode, describeRun(["get", other], gone)).toBe(1);
  });

  test("an erase or forget from a page showing an older version is refused and changes nothing (QA: it erased text nobody saw)", async () => {
    const other = (await sb.json(["remember", "temporary note: scratch value 17", "--json"])).id as string;
    const shown = (await sb.json(["get", other, "--json"])).updated_at as string;
    await Bun.sleep(5);
    await sb.ok(["edit", other, "--content", "PROD ROLLBACK PROCEDURE: run the rollback job, then page on-call"]);
    const origin = { origin: ui.base, "sec-fetch-site": "same-origin" };
    for (const [path, body] of [["/api/erase", { id: other, confirm: other, updated_at: shown }], ["/api/forget", { id: other, updated_at: shown }]] as const) {
      const res = await post(path, body, origin);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("CHANGED_SINCE");
    }
    const after = await sb.json(["get", other, "--json"]);
    expect([after.status, after.content]).toEqual(["active", "PROD ROLLBACK PROCEDURE: run the rollback job, then page on-call"]);
    // The version shown now: erased.
    const r = await post("/api/erase", { id: other, confirm: other, updated_at: after.updated_at }, origin);
    expect(r.status).toBe(200);
  });

  test("the dashboard shows what hooks captured and injected, and recall latency", async () => {
    const project = sb.project("shop");
    const hook = (event: string, name: string, vars: Record<string, string>) =>
      sb.ok(["hook", event], { cwd: project, stdin: fixture(name, { cwd: project, ...vars }), env: { CLAUDE_PROJECT_DIR: project, CAIRN_HOOK_DAEMON: "off" } });
    await hook("prompt", "prompt", { session: "s-1", prompt: "remember that the integration tests need `docker compose up db` first" });
    await hook("prompt", "prompt", { session: "s-2", prompt: "how do I run the integration tests?" });
    await hook("session-start", "session-start", { session: "s-3" });
    await sb.ok(["recall", "integration tests", "--mode", "keyword"], { cwd: project });
    await sb.ok(["remember", "a note that lives one second", "--ttl", "1s"]);
    await Bun.sleep(1200);
    const d = (await (await fetch(`${ui.base}${withToken("/api/dashboard")}`)).json()) as any;
    const captured = d.recent_hooks.flatMap((e: { captured: Array<{ content: string }> }) => e.captured);
    const injected = d.recent_hooks.flatMap((e: { injected: Array<{ content: string }> }) => e.injected);
    expect(captured.some((m: { content: string }) => /docker compose up db/.test(m.content))).toBe(true);
    expect(injected.some((m: { content: string }) => /docker compose up db/.test(m.content))).toBe(true);
    // The SessionStart briefing counts as injected too (it is not in the session's "surfaced" list).
    const briefing = d.recent_hooks.find((e: { event: string }) => e.event === "session-start");
    expect(briefing.injected.some((m: { content: string }) => /docker compose up db/.test(m.content))).toBe(true);
    expect(d.latency.hook.count).toBeGreaterThanOrEqual(3);
    expect(d.latency.recall_points.some((p: { via: string }) => p.via === "cli")).toBe(true);
    expect(d.created_by_day.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(d.stats.total);
    // Expired memories are counted apart, as `cairn stats` does (QA: the page counted them as active).
    expect(d.stats.expired).toBe(1);
    expect(d.stats.expired).toBe((await sb.json(["stats", "--json"])).expired);
  });

  test("--open without a browser opener only says so; Ctrl-C (SIGINT) stops it too", async () => {
    const other = await startUi(sb, sb.cwd, { args: ["--open"], env: { PATH: "/nonexistent" } });
    try {
      expect((await fetch(other.url)).status).toBe(200);
      // The warning follows the URL on stdout: wait for it (bounded), then check it.
      for (let i = 0; i < 200 && !/no (xdg-)?open found/.test(other.stderr()); i++) await Bun.sleep(25);
      expect(other.stderr()).toMatch(/no (xdg-)?open found/);
    } finally {
      process.kill(other.pid, "SIGINT");
    }
    expect(await other.exited).toBe(0);
  });

  test("--open hands the browser a one-time link, never the token (a command line is public): the first use redirects to the page, a second is refused and reported (QA)", async () => {
    const bin = join(sb.root, "opener-bin");
    const said = join(sb.root, "opener-args");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$*" > '${said}'\n`, { mode: 0o755 });
    const other = await startUi(sb, sb.cwd, { args: ["--open"], env: { PATH: `${bin}:/usr/bin:/bin` } });
    try {
      for (let i = 0; i < 400 && !existsSync(said); i++) await Bun.sleep(25);
      const link = readFileSync(said, "utf8");
      expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${other.port}/\\?open=[0-9a-f]{64}$`));
      expect(link).not.toContain(other.token);
      const first = await fetch(link, { redirect: "manual" });
      expect(first.status).toBe(303);
      expect(first.headers.get("location")).toBe(`/?token=${other.token}`);
      const again = await fetch(link, { redirect: "manual" });
      expect(again.status).toBe(403);
      expect(await again.text()).toContain("an opening link used already");
      for (let i = 0; i < 200 && !/someone else may have/.test(other.stderr()); i++) await Bun.sleep(25);
      expect(other.stderr()).toContain("someone else may have");
      // Another made-up link opens nothing.
      expect((await fetch(`${other.base}/?open=${"0".repeat(64)}`, { redirect: "manual" })).status).toBe(403);
    } finally {
      process.kill(other.pid, "SIGINT");
    }
    expect(await other.exited).toBe(0);
  });

  test("a search over memories not embedded yet says so, as the CLI does (QA: it said only 'No matching memories')", async () => {
    const other = createSandbox("cairn-ui-unembedded-");
    const env = { CAIRN_EMBED_WORKER: "off" };
    try {
      // More than a search embeds on the spot (a small backlog is caught up before it searches).
      const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ content: `note ${i}: kittens nap on the warm laptop number ${i}` })).join("\n");
      await other.ok(["import", "-", "--no-embed"], { stdin: `${lines}\n`, env });
      const page = await startUi(other, other.cwd, { env });
      try {
        const r = (await (await fetch(`${page.base}/api/recall?q=${encodeURIComponent("cat sleeping on a computer")}&mode=hybrid&token=${page.token}`)).json()) as { unembedded?: number; warnings: string[] };
        expect(r.unembedded).toBe(40);
        expect(r.warnings.some((w) => w.startsWith("40 memories have no vector yet: keyword matches cover them"))).toBe(true);
      } finally {
        await page.stop();
      }
    } finally {
      other.cleanup();
    }
  });

  test("SIGTERM stops it cleanly", async () => {
    expect(await ui.stop()).toBe(0);
    expect(ui.stderr()).toContain("stopping");
    expect(listeningAddresses(ui.port) ?? []).toEqual([]);
  });
});

describe("cairn ui when another process encrypts its store", () => {
  test("requests say to start it again, and its timer logs the problem once, with no stack trace (QA)", async () => {
    const box = createSandbox("cairn-ui-rekey-");
    try {
      await box.json(["remember", "plain then encrypted marker wombat", "--json"]);
      const page = await startUi(box);
      try {
        await box.ok(["encrypt", "--json"]);
        // Past two of the server's between-request checks (every 2 s).
        await Bun.sleep(4500);
        const res = await fetch(`${page.base}/api/list?token=${page.token}`);
        expect(res.status).toBe(500);
        const error = ((await res.json()) as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("KEY_CHANGED");
        expect(error.message).toContain("stop `cairn ui` (Ctrl-C) and start it again");
        const err = page.stderr();
        expect(err).not.toMatch(/^\s+at /m);
        expect(err.split("was encrypted by another cairn process").length - 1).toBe(1);
      } finally {
        await page.stop();
      }
    } finally {
      box.cleanup();
    }
  });
});

describe("cairn ui over a damaged database", () => {
  test("a request meeting the damage answers DB_CORRUPT with the way out, not an internal error (QA)", async () => {
    const box = createSandbox("cairn-ui-damaged-");
    try {
      const filler = () => Buffer.from(crypto.getRandomValues(new Uint8Array(300))).toString("base64");
      for (let i = 0; i < 50; i++) await box.ok(["remember", `memory ${i} with some text to fill pages ${filler()}`], { env: { CAIRN_EMBED_WORKER: "off" } });
      await box.ok(["doctor"], { env: { CAIRN_EMBED_WORKER: "off" } }); // a checkpoint: every page in cairn.db
      const db = join(box.cairnHome, "cairn.db");
      const bytes = readFileSync(db);
      bytes.fill(0xab, 4096 * 5 + 100, 4096 * 5 + 2000);
      writeFileSync(db, bytes);
      const page = await startUi(box, box.cwd, { env: { CAIRN_EMBED_WORKER: "off" } });
      try {
        const res = await fetch(`${page.base}/api/meta?token=${page.token}`);
        const error = ((await res.json()) as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("DB_CORRUPT");
        expect(error.message).toContain("cairn doctor --repair");
      } finally {
        await page.stop();
      }
    } finally {
      box.cleanup();
    }
  });
});
