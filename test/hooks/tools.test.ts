/** @module PreToolUse and PostToolUse: past lessons before a command or edit; error capture, fix linking, recall of fixes. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Engine } from "../../src/engine/engine.ts";
import type { Memory } from "../../src/domain/memory.ts";
import { MAX_ERRORS_PER_SESSION, mayBeSameError } from "../../src/hooks/post-tool.ts";
import { errorSignature } from "../../src/hooks/command.ts";
import { emptyState, stateFile } from "../../src/hooks/state.ts";
import { CLAUDE_HOOKS } from "../../src/setup/claude-code.ts";
import { contextOf, fixture, type HookWorld, hookWorld } from "./helpers.ts";

/** Waits for the clock to move: memories created in one millisecond have no order between them. */
function nextMillisecond(): void {
  const first = Date.now();
  while (Date.now() === first) {
    // spin: a millisecond at most
  }
}

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

const withEngine = <T>(fn: (e: Engine) => T): T => w.withEngine(fn);

const ECONN = "Exit code 1\n> app@1.0.0 test:integration\nError: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)";
const fail = (command: string, error: string, session = "s1") => fixture("post-tool-bash-failure", { cwd: w.project, command, error, session });
const ok = (command: string, session = "s1") => fixture("post-tool-bash-ok", { cwd: w.project, command, session });

describe("post-tool", () => {
  test("a failure is captured once as an error memory, deduplicated across repeats", async () => {
    expect(await w.hook("post-tool", fail("npm run test:integration", ECONN))).toBe("");
    await w.hook("post-tool", fail("npm run test:integration -- --bail", ECONN.replace("5432", "5433")));
    const errors = withEngine((e) => e.list({ types: ["error"] }).memories);
    expect(errors.map((m) => m.content)).toEqual(["`npm run test:integration` failed: Error: connect ECONNREFUSED <ip>"]);
    expect(errors[0]!.source).toBe("hook");
    expect(errors[0]!.sessionId).toBe("s1");
  });

  test("errors captured per session are capped", async () => {
    for (let i = 0; i < MAX_ERRORS_PER_SESSION + 3; i++) await w.hook("post-tool", fail(`tool${i} run`, `error: broken thing ${"abcdefghij"[i]}`));
    expect(withEngine((e) => e.list({ types: ["error"] }).total)).toBe(MAX_ERRORS_PER_SESSION);
  });

  test("a later success of the same command records what fixed it, linked to the error", async () => {
    await w.hook("post-tool", fail("npm run test:integration", ECONN));
    await w.hook("post-tool", ok("docker compose up -d db"));
    await w.hook("post-tool", ok("npm run test:integration"));
    const { lesson, error, links } = withEngine((e) => {
      const lesson = e.list({ types: ["lesson"] }).memories[0]!;
      const error = e.list({ types: ["error"] }).memories[0]!;
      return { lesson, error, links: e.links(lesson.id) };
    });
    expect(lesson.content).toContain("`npm run test:integration` failed with");
    expect(lesson.content).toContain("docker compose up -d db");
    expect(links).toEqual([{ relation: "fixes", direction: "out", id: error.id }]);
  });

  test("an edit seen only before it is made still counts as a step of the fix: the lesson does not call the pass a flaky re-run", async () => {
    const vitest = "Exit code 1\nReferenceError: document is not defined";
    await w.hook("post-tool", fail("pnpm vitest run", vitest));
    await w.hook("pre-tool", fixture("pre-tool-edit", { cwd: w.project, file: join(w.project, "vite.config.ts"), session: "s1" }));
    await w.hook("post-tool", ok("pnpm vitest run"));
    const lesson = withEngine((e) => e.list({ types: ["lesson"] }).memories[0]!);
    expect(lesson.content).toContain("it passed after editing vite.config.ts");
    expect(lesson.content).not.toContain("flaky");
  });

  test("in a later session the same failure brings back the fix", async () => {
    await w.hook("post-tool", fail("npm run test:integration", ECONN, "s1"));
    await w.hook("post-tool", ok("docker compose up -d db", "s1"));
    await w.hook("post-tool", ok("npm run test:integration", "s1"));
    const out = await w.hook("post-tool", fail("npm run test:integration", ECONN, "s2"));
    expect(JSON.parse(out).hookSpecificOutput.hookEventName).toBe("PostToolUseFailure");
    expect(contextOf(out)).toContain("docker compose up -d db");
    // …once: the same failure again in that session stays quiet.
    expect(await w.hook("post-tool", fail("npm run test:integration", ECONN, "s2"))).toBe("");
  });

  test("a lesson briefed at SessionStart is not shown again before its command; the failure brings it back once, without the error it fixes (QA)", async () => {
    await w.hook("post-tool", fail("npm run test:integration", ECONN, "s1"));
    await w.hook("post-tool", ok("docker compose up -d db", "s1"));
    await w.hook("post-tool", ok("npm run test:integration", "s1"));
    const brief = await w.hook("session-start", fixture("session-start", { cwd: w.project, session: "s2" }));
    expect(contextOf(brief)).toContain("docker compose up -d db");
    expect(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "npm run test:integration", session: "s2" }))).toBe("");
    const failed = contextOf(await w.hook("post-tool", fail("npm run test:integration", ECONN, "s2")));
    expect(failed).toContain("docker compose up -d db");
    expect(failed).not.toContain("(error,");
    // Another session that was not briefed hears of it before the command.
    expect(contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "npm run test:integration", session: "s3" })))).toContain("docker compose up -d db");
  });

  test("an error without a code, of a command of two words, brings back its fix in a later session (QA: tags hold `pnpm-test`)", async () => {
    const error = "Exit code 1\nfailed to load config from /repo/vitest.config.ts\nError: Cannot find module '@vitejs/plugin-react'";
    await w.hook("post-tool", fail("pnpm test", error, "c1"));
    await w.hook("post-tool", ok("pnpm add -D @vitejs/plugin-react", "c1"));
    await w.hook("post-tool", ok("pnpm test", "c1"));
    const out = contextOf(await w.hook("post-tool", fail("pnpm test", error, "c2")));
    expect(out).toContain("this error was seen before");
    expect(out).toContain("it passed after running `pnpm add -D @vitejs/plugin-react`");
    // Known: not captured a second time.
    expect(withEngine((e) => e.list({ types: ["error"] }).total)).toBe(1);
    // Another program's failure in the same words is not this one's.
    expect(contextOf(await w.hook("post-tool", fail("pnpm lint", error, "c3")))).not.toContain("@vitejs/plugin-react`");
  });

  test("a failure that printed nothing to tell it by is no error memory; what fixed it still becomes a lesson (QA)", async () => {
    await w.hook("post-tool", fail("npm install", "", "e1"));
    expect(withEngine((e) => e.list({ types: ["error"] }).total)).toBe(0);
    await w.hook("post-tool", ok("npm cache clean --force", "e1"));
    await w.hook("post-tool", ok("npm install", "e1"));
    expect(withEngine((e) => e.list({ types: ["lesson"] }).memories.map((m) => m.content))).toEqual(["`npm install` failed with \"exit code non-zero\"; it passed after running `npm cache clean --force`."]);
  });

  test("a go test failure is known by the error under its test name, and not captured again; a note that only may apply is not called the same error", async () => {
    withEngine((e) => {
      e.remember({ content: 'ERROR: relation "invoices" does not exist: the test DB was not migrated; run make migrate-test first', type: "lesson" });
      e.remember({ content: "Running tsc --noEmit before pushing catches type errors CI would reject", type: "lesson" });
    });
    const go = 'Exit code 1\n--- FAIL: TestCreateInvoice (0.02s)\n    invoice_test.go:41: pq: relation "invoices" does not exist\nFAIL\nFAIL\tgithub.com/acme/billing/internal/invoices\t0.031s';
    const out = contextOf(await w.hook("post-tool", fail("go test ./...", go, "g1")));
    expect(out).toContain("this error was seen before");
    expect(out).toContain("make migrate-test");
    const ts = contextOf(await w.hook("post-tool", fail("pnpm tsc --noEmit", "Exit code 2\nsrc/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'Date'.", "g2")));
    expect(ts).toContain("earlier fixes and notes that may apply to this error:");
    expect(ts).not.toContain("seen before");
    // The error a lesson already tells (with its fix) is not captured again as a copy without it; a new one is.
    const errors = withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.content));
    expect(errors).toEqual(["`pnpm tsc` failed: error TS2322: Type 'string' is not assignable to type 'Date'."]);
  });

  test("a note telling the error by its code is the same error: not captured again without its fix (QA: npm ERR! code ERESOLVE)", async () => {
    withEngine((e) => e.remember({ content: "npm install fails with ERESOLVE because of react peer deps: use npm install --legacy-peer-deps", type: "lesson" }));
    const npm = 'Exit code 1\nnpm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\nnpm ERR! Found: react@18.2.0\nnpm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1';
    const out = contextOf(await w.hook("post-tool", fail("npm install", npm, "n1")));
    expect(out).toContain("this error was seen before");
    expect(out).toContain("--legacy-peer-deps");
    expect(withEngine((e) => e.list({ types: ["error"] }).total)).toBe(0);
    // Another npm error code is another error: captured.
    await w.hook("post-tool", fail("npm install", "Exit code 1\nnpm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/leftpadd", "n2"));
    expect(withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.content))).toEqual(["`npm install` failed: npm ERR! code E404"]);
  });

  test("another error code, or another program's failure in the same words, does not bring back that fix", async () => {
    const P1001 = "Error: P1001: Can't reach database server at `localhost:5432`";
    await w.hook("post-tool", fail("pnpm prisma migrate dev", P1001, "s1"));
    await w.hook("post-tool", ok("docker compose up -d db", "s1"));
    await w.hook("post-tool", ok("pnpm prisma migrate dev", "s1"));
    expect(await w.hook("post-tool", fail("pnpm prisma migrate dev", "Error: P1012: Environment variable not found: DATABASE_URL. database server setup", "s2"))).toBe("");
    expect(contextOf(await w.hook("post-tool", fail("pnpm prisma db push", P1001, "s3")))).toContain("docker compose up -d db");
    await w.hook("post-tool", fail("npx playwright test", "Error: page.goto: net::ERR_CONNECTION_REFUSED at http://localhost:3000/ connection refused", "s4"));
    await w.hook("post-tool", ok("npx playwright test", "s4"));
    expect(await w.hook("post-tool", fail("psql -h localhost -p 5433", "psql: error: connection to server at localhost port 5433 failed: Connection refused", "s5"))).toBe("");
  });

  test("mayBeSameError: codes must meet when both have them; another program needs a shared code", () => {
    const m = (content: string, cmd: string) => ({ content, tags: [`cmd:${cmd}`] }) as Memory;
    expect(mayBeSameError("pnpm prisma", "P1012 env not found", m("`pnpm prisma` failed: P1001 can't reach", "pnpm prisma"))).toBe(false);
    expect(mayBeSameError("pnpm prisma", "P1001 can't reach", m("`pnpm prisma` failed: P1001 can't reach", "pnpm prisma"))).toBe(true);
    expect(mayBeSameError("pnpm install", "ERESOLVE could not resolve", m("`npm install` failed: ERESOLVE unable", "npm install"))).toBe(true);
    expect(mayBeSameError("uv run mypy", "error: Incompatible types", m("`uv run pytest` failed: error: collection", "uv run pytest"))).toBe(false);
    expect(mayBeSameError("uv run pytest", "error: collection failed", m("`uv run pytest -k x` failed: error: collection", "uv run pytest"))).toBe(true);
  });

  test("PostToolUseFailure, under the command setup registers for it: captures the error, and brings back its fix", async () => {
    const spec = CLAUDE_HOOKS.find((h) => h.event === "PostToolUseFailure")!;
    expect(spec.matcher).toBe("Bash");
    const failure = (session: string) => fail("npm run test:integration", ECONN, session);
    expect(await w.hook(spec.name, failure("s1"))).toBe("");
    expect(withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.content))).toEqual(["`npm run test:integration` failed: Error: connect ECONNREFUSED <ip>"]);
    await w.hook("post-tool", ok("docker compose up -d db", "s1"));
    await w.hook("post-tool", ok("npm run test:integration", "s1"));
    const out = await w.hook(spec.name, failure("s2"));
    expect(JSON.parse(out).hookSpecificOutput.hookEventName).toBe("PostToolUseFailure");
    expect(contextOf(out)).toContain("it passed after running `docker compose up -d db`");
  });

  test("a non-zero exit that answers a question (a diff, no match, no such file) is no error (QA: `git diff` became a pitfall)", async () => {
    await w.hook("post-tool", fail("git diff --exit-code", "Exit code 1\ndiff --git a/x b/x\nindex 1..2 100644"));
    await w.hook("post-tool", fail("grep -rn TODO src | grep -v test", "Exit code 1"));
    await w.hook("post-tool", fail("ls nonexist", "Exit code 2\nls: cannot access 'nonexist': No such file or directory"));
    expect(withEngine((e) => e.list({}).total)).toBe(0);
    // git diff without --exit-code fails for real reasons.
    await w.hook("post-tool", fail("git diff main..feature", "Exit code 128\nfatal: ambiguous argument 'main..feature': unknown revision"));
    expect(withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.content))).toEqual(["`git diff` failed: fatal: ambiguous argument 'main..feature': unknown revision"]);
  });

  test("a command the user interrupted is not captured as an error", async () => {
    const interrupted = JSON.stringify({ ...JSON.parse(fail("npm run dev", "Exit code 130\nerror: interrupted")), is_interrupt: true });
    expect(await w.hook("post-tool-failure", interrupted)).toBe("");
    expect(await Bun.file(join(w.cairnHome, "cairn.db")).exists()).toBe(false);
  });

  test("one error in three files (paths and line:col differ) is one memory", async () => {
    const tsc = (file: string, at: string) => `Exit code 2\n${file}${at}: error TS2307: Cannot find module 'lodash' or its corresponding type declarations.`;
    await w.hook("post-tool", fail("npx tsc --noEmit", tsc("src/a.ts", "(3,7)"), "s1"));
    await w.hook("post-tool", fail("npx tsc --noEmit", tsc("src/deep/b.ts", "(12,21)"), "s2"));
    // …also when the command names the file, and in the other location style.
    await w.hook("post-tool", fail("tsc src/lib/c.tsx", tsc("/home/u/app/src/lib/c.tsx", ":140:9 -"), "s3"));
    const errors = withEngine((e) => e.list({ types: ["error"] }).memories);
    expect(errors.map((m) => m.content)).toEqual(["`tsc` failed: error TS2307: Cannot find module 'lodash' or its corresponding type declarations."]);
  });

  test("VS Code's terminal failure (camelCase, exit code in the response) is captured too", async () => {
    await w.hook("post-tool", fixture("post-tool-bash-failure.camel", { cwd: w.project, command: "make build", error: "make: *** No rule to make target 'build'.  Stop.\nerror: build failed" }));
    expect(withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.agent))).toEqual(["vscode"]);
  });

  test("successful commands with no open failure write no memory, and the session's state only once: that it is working", async () => {
    expect(await w.hook("post-tool", ok("ls -la"))).toBe("");
    expect(await Bun.file(join(w.cairnHome, "cairn.db")).exists()).toBe(false);
    const file = stateFile(w.cairnHome, "s1");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ...emptyState(), worked: true });
    const written = statSync(file).ino;
    expect(await w.hook("post-tool", ok("git status"))).toBe("");
    // Written by rename: a second write would be a new file.
    expect(statSync(file).ino).toBe(written);
  });
});

describe("pre-tool", () => {
  test("before a command: lessons and errors that name it, once per session", async () => {
    withEngine((e) => {
      e.remember({ content: "`npm run test:integration` needs `docker compose up db` first", type: "lesson" });
      e.remember({ content: "npm is slow here; tests run in CI", type: "lesson" });
    });
    const cmd = fixture("pre-tool-bash", { cwd: w.project, command: "cd app && npm run test:integration -- --bail" });
    const ctx = contextOf(await w.hook("pre-tool", cmd));
    expect(ctx).toContain("docker compose up db");
    expect(ctx).not.toContain("slow here");
    expect(await w.hook("pre-tool", cmd)).toBe("");
  });

  test("a command run through a wrapper most notes name matches lessons on its sub-command, not every use of the wrapper", async () => {
    withEngine((e) => {
      e.remember({ content: "`sail artisan scout:import` needs Meilisearch running: `sail up -d meilisearch` first", type: "lesson" });
      e.remember({ content: "`sail artisan migrate` on a fresh clone needs `sail artisan key:generate` first", type: "lesson" });
      e.remember({ content: "`sail artisan test` runs against the testing database, not the dev one", type: "lesson" });
      e.remember({ content: "`sail artisan queue:work` must be restarted after every deploy", type: "lesson" });
    });
    const run = (command: string) => w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command }));
    expect(await run("sail artisan tinker")).toBe("");
    const ctx = contextOf(await run("sail artisan scout:import App\\Models\\Product"));
    expect(ctx).toContain("Meilisearch");
    expect(ctx).not.toContain("key:generate");
  });

  test("a command whose flags cut its head to the program: notes quoting what it runs, not every note naming the program", async () => {
    withEngine((e) => {
      e.remember({ content: "Someone ran `prisma db push` against staging and it dropped a column. db push is for throwaway local databases only.", type: "lesson" });
      e.remember({ content: "CI failed with `ERR_PNPM_OUTDATED_LOCKFILE` after a dependency was added without running pnpm install.", type: "error" });
      e.remember({ content: "Local dev: `pnpm -F web dev` serves on port 5180.", type: "fact" });
    });
    const run = (command: string, session: string) => w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session }));
    const ctx = contextOf(await run("pnpm -F db exec prisma db push", "a"));
    expect(ctx).toContain("prisma db push");
    expect(ctx).not.toContain("OUTDATED_LOCKFILE");
    // `pnpm -F web` is the lead every command of the workspace shares; a how-to quoting a command is not shown.
    expect(await run("pnpm -F web build", "b")).toBe("");
    expect(await run("pnpm -F web dev", "c")).toBe("");
  });

  test("a rule sharing only the command's lead does not govern it, unless it forbids the program", async () => {
    withEngine((e) => {
      e.remember({ content: "Reindex with `sail artisan scout:flush` then `sail artisan scout:import` after changing searchable fields.", type: "decision" });
      e.remember({ content: "Never npm install here: this repo uses pnpm.", type: "preference" });
    });
    const run = (command: string, session: string) => w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session }));
    expect(await run("sail artisan tinker", "a")).toBe("");
    expect(contextOf(await run("sail artisan scout:import Product", "b"))).toContain("scout:flush");
    expect(contextOf(await run("npm install", "c"))).toContain("Never npm install");
  });

  test("before an edit: lessons naming the file, in both spellings", async () => {
    withEngine((e) => e.remember({ content: "fts.ts: keep the two-stage search, a JOIN was 8x slower", type: "lesson" }));
    for (const [name, session] of [["pre-tool-edit", "a"], ["pre-tool-edit.camel", "b"]] as const) {
      const out = await w.hook("pre-tool", fixture(name, { cwd: w.project, file: join(w.project, "src/store/fts.ts"), session }));
      expect(contextOf(out)).toContain("two-stage search");
    }
  });

  test("before an edit: a decision or preference naming the file, not a fact that merely mentions it", async () => {
    withEngine((e) => {
      e.remember({ content: "Appointment states move only through the ALLOWED_TRANSITIONS table in scheduling/state.py; never set status directly.", type: "decision" });
      e.remember({ content: "scheduling/state.py was added in the March refactor.", type: "fact" });
      // "state" alone is in many notes: only the file's own name picks the decision out.
      for (const n of ["UI state lives in the store", "state of the sync worker is logged", "the reducer keeps form state", "state machines are drawn in docs/"]) e.remember({ content: n, type: "note" });
    });
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-edit", { cwd: w.project, file: join(w.project, "scheduling/state.py") })));
    expect(out).toContain("ALLOWED_TRANSITIONS");
    expect(out).not.toContain("March refactor");
  });

  test("an unrelated edit or an empty database says nothing", async () => {
    const edit = fixture("pre-tool-edit", { cwd: w.project, file: join(w.project, "src/button.tsx") });
    expect(await w.hook("pre-tool", edit)).toBe("");
    withEngine((e) => e.remember({ content: "fts.ts: keep the two-stage search", type: "lesson" }));
    expect(await w.hook("pre-tool", edit)).toBe("");
  });

  test("an error that has a fix is not shown again — its fix is, and nothing twice", async () => {
    await w.hook("post-tool", fail("npm run test:integration", ECONN, "s1"));
    await w.hook("post-tool", ok("docker compose up -d db", "s1"));
    await w.hook("post-tool", ok("npm run test:integration", "s1"));
    withEngine((e) => e.remember({ content: "`npm run test:integration` reads .env.test, not .env", type: "lesson" }));
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "npm run test:integration", session: "s2" })));
    const bullets = out.split("\n").filter((l) => l.startsWith("- "));
    expect(bullets).toHaveLength(2);
    expect(new Set(bullets).size).toBe(bullets.length);
    expect(out).toContain("it passed after running `docker compose up -d db`");
    expect(out).toContain("reads .env.test");
    expect(out).not.toContain("failed: Error"); // the error memory itself
  });

  test("an error with no fix yet is still shown", async () => {
    await w.hook("post-tool", fail("npm run test:integration", ECONN, "s1"));
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "npm run test:integration", session: "s2" })));
    expect(out).toContain("`npm run test:integration` failed: Error: connect ECONNREFUSED <ip>");
  });

  test("a program run on a file: an error whose fix retires the program is shown, though it never names the file (QA)", async () => {
    withEngine((e) => {
      e.remember({ content: 'TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts" when running scripts; fix: run them with tsx instead of ts-node', type: "error" });
      e.remember({ content: "ts-node needs the --transpile-only flag for the worker entry point", type: "lesson" });
    });
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    const seed = await bash("ts-node scripts/seed.ts", "f1");
    expect(seed).toContain("run them with tsx instead of ts-node");
    // A note naming the program alone is about another of its runs: the file must be named too, as before.
    expect(seed).not.toContain("transpile-only");
    expect(await bash("npx ts-node ./tools/backfill.ts --dry-run", "f2")).toContain("run them with tsx instead of ts-node");
  });

  test("before a hosting platform's CLI: the platform that replaced it (QA), not one used beside it", async () => {
    withEngine((e) => e.remember({ content: "Ledgerly deploys to Heroku from the main branch via the Heroku GitHub integration", type: "fact" }));
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    expect(await bash("heroku releases -a ledgerly", "h1")).toBe("");
    nextMillisecond();
    withEngine((e) => e.remember({ content: "Ledgerly now deploys to Fly.io in the ams and fra regions; the release command runs migrations first", type: "decision" }));
    expect(await bash("heroku releases -a ledgerly", "h2")).toContain("now deploys to Fly.io");
    // A project runs on several platforms at once: the API on Fly.io says nothing of a `vercel` command.
    expect(await bash("vercel deploy --prod", "h3")).toBe("");
  });

  test("a choice that calls the command's tool the old one chooses the other (QA: drizzle-kit over the old knex folder)", async () => {
    withEngine((e) => e.remember({ content: "Database migrations in ledgerly are written with knex migrate", type: "fact" }));
    nextMillisecond();
    withEngine((e) => e.remember({ content: "Migrations are now generated with drizzle-kit; the old knex migration folder is frozen and read-only", type: "decision" }));
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    expect(await bash("npx knex migrate:make add_payouts", "k1")).toContain("generated with drizzle-kit");
    expect(await bash("npx drizzle-kit generate", "k2")).toBe("");
  });

  test("before a command: the decisions and preferences that govern it", async () => {
    withEngine((e) => {
      e.remember({ content: "Always use pnpm in every repo, never npm install.", type: "preference", project: null });
      e.remember({ content: "Logging uses log/slog; logrus is banned by depguard.", type: "decision" });
      e.remember({ content: "The staging cluster runs three replicas.", type: "decision" });
      e.remember({ content: "All Stripe webhooks are verified with the signing secret before any processing.", type: "decision" });
    });
    const bash = (command: string, session: string) => fixture("pre-tool-bash", { cwd: w.project, command, session });
    expect(contextOf(await w.hook("pre-tool", bash("npm install lodash", "a")))).toContain("never npm install");
    const logrus = contextOf(await w.hook("pre-tool", bash("go get github.com/sirupsen/logrus@latest", "b")));
    expect(logrus).toContain("logrus is banned");
    expect(logrus).not.toContain("replicas");
    // A package a rule chooses or pins governs installing it; a note on the product it serves does not.
    expect(contextOf(await w.hook("pre-tool", bash("npm install stripe", "f")))).not.toContain("webhooks are verified");
    withEngine((e) => e.remember({ content: "We pin the stripe SDK to v12; v13 changed the webhook types.", type: "decision" }));
    expect(contextOf(await w.hook("pre-tool", bash("npm install stripe", "g")))).toContain("pin the stripe SDK");
    // Reading and unrelated commands stay silent.
    for (const [command, session] of [["ls -la", "c"], ["git status", "d"], ["make build", "e"]]) expect(await w.hook("pre-tool", bash(command!, session!))).toBe("");
  });

  test("a fact that forbids calling a program governs its commands (\"don't call pip directly\")", async () => {
    withEngine((e) => e.remember({ content: "We use uv for everything here, don't call pip directly.", type: "fact" }));
    const bash = (command: string, session: string) => fixture("pre-tool-bash", { cwd: w.project, command, session });
    for (const [command, session] of [["pip install httpx", "p1"], ["python -m pip install python-dateutil", "p2"]]) expect(contextOf(await w.hook("pre-tool", bash(command!, session!)))).toContain("don't call pip directly");
    expect(await w.hook("pre-tool", bash("uv add httpx", "p3"))).toBe("");
  });

  test("before a command running one tool: the current choice of another of its kind, when there is one", async () => {
    withEngine((e) => {
      e.remember({ content: "This repo uses pnpm for everything", type: "decision" });
      e.remember({ content: "Unit tests run on Vitest", type: "decision" });
      e.remember({ content: "Infra is provisioned with Pulumi in TypeScript", type: "decision" });
      e.remember({ content: "Accessible names are required; eslint-plugin-jsx-a11y must pass in `yarn lint`.", type: "preference" });
      e.remember({ content: "For throwaway scripts use `uv run script.py` instead of pip installing into a global venv.", type: "preference", project: null });
    });
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    expect(await bash("yarn add lodash", "c1")).toContain("This repo uses pnpm for everything");
    // A later note forbidding another tool chooses none: the choice is still pnpm.
    nextMillisecond();
    withEngine((e) => e.remember({ content: "Don't use yarn here, it broke the lockfile twice.", type: "preference" }));
    const npm = await bash("npm install lodash", "c0");
    expect(npm).toContain("This repo uses pnpm for everything");
    expect(npm).not.toContain("broke the lockfile");
    expect(await bash("npx jest --watch", "c2")).toContain("Unit tests run on Vitest");
    expect(await bash("terraform apply", "c3")).toContain("provisioned with Pulumi");
    // Its own tool is what the choice says; a program that is no tool of a listed kind is no choice.
    expect(await bash("pnpm install", "c4")).toBe("");
    expect(await bash("python manage.py migrate", "c5")).toBe("");
    // A tool named inside a quoted command, or as what is replaced, is not a choice of it (the rule retiring pip
    // governs `pip install` on its own, governing.ts; it is not a choice of uv for `yarn` or `npx jest` above).
    const pipRule = await bash("pip install requests", "c6");
    expect(pipRule).toContain("instead of pip installing");
    expect(pipRule).not.toContain("yarn lint");
    withEngine((e) => e.remember({ content: "Python dependencies are managed with Poetry", type: "decision" }));
    nextMillisecond(); // the newer memory must be created in a later millisecond
    expect(await bash("pip install requests", "c7")).toContain("managed with Poetry");
    withEngine((e) => e.remember({ content: "We use uv for Python dependencies now; poetry.lock is gone.", type: "decision" }));
    const uv = await bash("uv add httpx", "c8");
    expect(uv).toBe("");
    const pip = await bash("pip install requests", "c9");
    expect(pip).toContain("We use uv for Python dependencies");
    expect(pip).not.toContain("managed with Poetry");
  });

  test("a rule setting another tool against the command's (\"X, not Y\", \"X over Y\", \"rather than\") governs it, and chooses only X", async () => {
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    withEngine((e) => e.remember({ content: "Use pnpm, not npm: the lockfile is pnpm-lock.yaml", type: "decision" }));
    expect(await bash("npm install lodash", "n1")).toContain("Use pnpm, not npm");
    withEngine((e) => {
      e.remember({ content: "Deploys use Pulumi, not Terraform", type: "decision" });
      e.remember({ content: "For manual API pokes use xh rather than curl", type: "preference", project: null });
      e.remember({ content: "Unit tests run on Vitest", type: "decision" });
    });
    expect(await bash("terraform apply", "n2")).toContain("Deploys use Pulumi, not Terraform");
    expect(await bash("curl -s https://api.example.com/users", "n3")).toContain("use xh rather than curl");
    // Naming Jest as what was passed over is no choice of Jest: `npx jest` still hears of Vitest.
    nextMillisecond();
    withEngine((e) => e.remember({ content: "We chose Vitest over Jest for unit tests", type: "decision" }));
    expect(await bash("npx jest --watch", "n4")).toContain("Vitest over Jest");
    // A program most commands run is not retired by a mention in passing, nor one name by a longer one.
    withEngine((e) => {
      e.remember({ content: "The build number comes from git rev-list --count HEAD", type: "decision" });
      e.remember({ content: "Use docker compose (v2), not docker-compose", type: "preference" });
    });
    expect(await bash("git push origin v2.1.1", "n5")).not.toContain("build number");
    expect(await bash("docker compose up -d db", "n6")).toBe("");
  });

  test("a fact saying which tool the repository uses is a choice too: \"This repo uses pnpm\" before `yarn add` (QA)", async () => {
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    withEngine((e) => {
      e.remember({ content: "This repo uses pnpm", type: "fact" });
      e.remember({ content: "Unit tests run on Vitest", type: "fact" });
    });
    expect(await bash("yarn add lodash", "f1")).toContain("This repo uses pnpm");
    expect(await bash("npx jest", "f2")).toContain("Unit tests run on Vitest");
    expect(await bash("pnpm add lodash", "f3")).toBe("");
  });

  test("a commit message's words are not the command's: `git commit -m \"npm install docs\"` hears nothing of npm (QA)", async () => {
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    withEngine((e) => e.remember({ content: "Always use pnpm in every repo, never npm install.", type: "preference", project: null }));
    expect(await bash('git commit -m "npm install docs"', "q1")).toBe("");
    expect(await bash("git commit --message='npm install docs'", "q2")).toBe("");
    // What a wrapper runs, quoted, is still the command.
    expect(await bash('docker compose exec web sh -c "npm install lodash"', "q3")).toContain("never npm install");
  });

  test("\"use pnpm, never npm\" governs `npm install`, and a later note retiring pnpm is shown with it (QA: the old rule came alone)", async () => {
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    withEngine((e) => e.remember({ content: "We always use pnpm in this repo, never npm.", type: "preference", tags: ["dependencies"] }));
    // Shown before `pnpm add` (it names pnpm and dependencies), it is a rule of npm's too: shown again before `npm install`.
    expect(await bash("pnpm add zod", "v1")).toContain("never npm");
    expect(await bash("npm install", "v1")).toContain("never npm");
    // "never git push --force" forbids one use: it does not govern every git command.
    withEngine((e) => e.remember({ content: "Always rebase, never git push --force.", type: "decision" }));
    expect(await bash("git status", "v2")).toBe("");
    // Another memory naming pnpm: the later rule is flagged against the first, not taken as replacing it.
    withEngine((e) => e.remember({ content: "pnpm test needs the database container up first.", type: "lesson" }));
    nextMillisecond();
    const later = withEngine((e) => e.remember({ content: "We switched from pnpm to bun.", type: "preference" }));
    expect(later.superseded ?? []).toEqual([]);
    expect(later.conflicts?.length).toBeGreaterThan(0);
    const out = await bash("npm install", "v3");
    expect(out).toContain('We always use pnpm in this repo, never npm. (preference,');
    expect(out).toContain('— a later note may change this: "We switched from pnpm to bun."');
  });

  test("a lesson hooks wrote about another command is not shown before this one, which it names as its fix (QA)", async () => {
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    await w.hook("post-tool-failure", fixture("post-tool-bash-failure", { cwd: w.project, command: "pnpm test", error: "Exit code 1\nError: Cannot find module '@vitejs/plugin-react'", session: "l0" }));
    await w.hook("post-tool", ok("pnpm add -D @vitejs/plugin-react", "l0"));
    await w.hook("post-tool", ok("pnpm test", "l0"));
    expect(withEngine((e) => e.list({ types: ["lesson"] }).memories[0]?.content)).toContain("it passed after running `pnpm add -D @vitejs/plugin-react`");
    expect(await bash("pnpm add zod", "l1")).toBe("");
    expect(await bash("pnpm test", "l1")).toContain("Cannot find module '@vitejs/plugin-react'");
  });

  test("a rule a later decision changed is shown as the later one", async () => {
    withEngine((e) => e.remember({ content: "Dependencies are managed with Poetry: poetry install, then poetry run pytest.", type: "decision" }));
    nextMillisecond(); // the newer memory must be created in a later millisecond
    withEngine((e) => e.remember({ content: "Switched from Poetry to uv: uv sync, then uv run pytest; poetry.lock was deleted.", type: "decision" }));
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "poetry install" })));
    expect(out).toContain("Switched from Poetry to uv");
    expect(out).not.toContain("managed with Poetry");
  });

  test("a rule a later fact changed governs nothing now, unless that fact retires the program", async () => {
    withEngine((e) => e.remember({ content: "dbt runs inside Airflow via cosmos, one task per model, in DAG dbt_build_marts. dbt-core 1.8 lives in a separate venv.", type: "decision" }));
    nextMillisecond(); // the newer memory must be created in a later millisecond
    // Remember retires the decision (superseded); its successor is this fact, which governs no dbt command.
    withEngine((e) => e.remember({ content: "Upgraded dbt-core from 1.8 to 1.9; the microbatch strategy is being evaluated.", type: "fact" }));
    expect(contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "uv run dbt build --select state:modified+" })))).toBe("");
    withEngine((e) => e.remember({ content: "Pip installs go through poetry add: poetry is the package manager.", type: "decision" }));
    nextMillisecond();
    withEngine((e) => e.remember({ content: "Poetry was replaced by uv; never run poetry add again, use uv add.", type: "fact" }));
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "poetry add requests" })));
    expect(out).toContain("never run poetry add again");
    // A fact retiring the program along with its parts ("pyenv and its shims are gone") governs it too.
    withEngine((e) => e.remember({ content: "Python interpreters come from pyenv (3.11.8 set as global).", type: "fact" }));
    nextMillisecond();
    withEngine((e) => e.remember({ content: "Python toolchains are handled by uv now: pyenv and its shims are gone, so pyenv commands fail.", type: "fact" }));
    expect(contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "pyenv install 3.12.2" })))).toContain("pyenv and its shims are gone");
  });

  test("a later memory that changes something else the rule mentions does not replace it", async () => {
    withEngine((e) => {
      e.remember({ content: "Never run docker compose up db while the staging tunnel is open: both bind port 5432.", type: "decision" });
      // A second note the newer one changes too, so the write reports both as conflicts instead of retiring one.
      e.remember({ content: "The reporting job reads the staging tunnel on port 5432.", type: "fact" });
    });
    nextMillisecond(); // the newer memory must be created in a later millisecond
    // By the change rules this updates the rule (the tunnel's port changed), and the search for the
    // command finds it ("compose"), but it is not about running `docker compose up db`.
    withEngine((e) => e.remember({ content: "The staging tunnel moved from port 5432 to port 6543; compose files are unchanged.", type: "decision" }));
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "docker compose up db" })));
    expect(out).toContain("Never run docker compose up db");
    expect(out).not.toContain("port 6543");
  });

  test("a rule retiring the program governs it alone; naming the program is not enough", async () => {
    withEngine((e) => {
      e.remember({ content: "Linting and formatting are ruff; black and isort were removed.", type: "fact" });
      e.remember({ content: "Switched unit tests from jest to vitest; `pnpm test` now runs vitest.", type: "decision" });
      e.remember({ content: "Don't add new third-party dependencies without asking first.", type: "preference", project: null });
      e.remember({ content: "Commit messages follow Conventional Commits.", type: "preference", project: null });
    });
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    expect(await bash("black src/ingest", "r1")).toContain("black and isort were removed");
    expect(await bash("pnpm dev --turbo", "r2")).toBe("");
    expect(await bash("pnpm add dayjs", "r3")).toContain("new third-party dependencies");
    expect(await bash('git commit -m "add export button"', "r4")).toContain("Conventional Commits");
  });

  test("a flag that destroys or rewrites is what a rule names: force-push, reset --hard, rm -rf; other flags are not", async () => {
    withEngine((e) => {
      e.remember({ content: "Never force-push to main or release branches; on your own feature branch use --force-with-lease.", type: "preference", project: null });
      e.remember({ content: "Ask before destructive commands: rm -rf, git reset --hard, dropping databases.", type: "preference", project: null });
      e.remember({ content: "Release builds are signed in CI only.", type: "decision" });
    });
    const bash = async (command: string, session: string) => contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command, session })));
    expect(await bash("git push --force origin main", "f1")).toContain("Never force-push");
    expect(await bash("git push -f", "f2")).toContain("Never force-push");
    expect(await bash("git reset --hard HEAD~3", "f3")).toContain("Ask before destructive commands");
    expect(await bash("rm -rf build/", "f4")).toContain("Ask before destructive commands");
    expect(await bash("git push origin feature/x", "f5")).toBe("");
    expect(await bash("cargo build --release", "f6")).toBe("");
  });

  test("a rule is not taken as changed by a later one that shares a word or two of it (QA: \"run git status\" hid \"never git push --force\")", async () => {
    withEngine((e) => {
      e.remember({ content: "Never `git push` (and especially never `--force`) without the user explicitly saying so in the current conversation; local commits are fine.", type: "preference" });
      nextMillisecond();
      e.remember({ content: "Before committing, run `git status` and show a short diff summary (files + one line each) to the user.", type: "preference" });
    });
    const out = contextOf(await w.hook("pre-tool", fixture("pre-tool-bash", { cwd: w.project, command: "git push --force origin fix/tz", session: "g1" })));
    expect(out).toContain("especially never `--force`");
    expect(out).not.toContain("Before committing");
  });

  test("an edit surfaces rules naming its directory path or distinctive name, not common words", async () => {
    withEngine((e) => {
      e.remember({ content: "Handlers in internal/http/gen are generated: edit api/openapi.yaml and run make api.", type: "lesson" });
      e.remember({ content: "After editing queries/*.sql run `make sqlc` and commit the generated code.", type: "decision" });
      e.remember({ content: "The readyz probe must only ping the database.", type: "lesson" });
    });
    const at = (file: string) => fixture("pre-tool-edit", { cwd: w.project, file: join(w.project, file), session: file });
    expect(contextOf(await w.hook("pre-tool", at("internal/http/gen/server.gen.go")))).toContain("are generated");
    expect(contextOf(await w.hook("pre-tool", at("queries/payments.sql")))).toContain("make sqlc");
    expect(contextOf(await w.hook("pre-tool", at("internal/health/readyz.go")))).toContain("only ping");
    expect(await w.hook("pre-tool", at("internal/billing/invoice.go"))).toBe("");
  });

  test("generic file names need their directory", async () => {
    withEngine((e) => e.remember({ content: "hooks/index.ts must stay tiny: it loads on every call", type: "lesson" }));
    const at = (file: string) => fixture("pre-tool-edit", { cwd: w.project, file: join(w.project, file), session: file });
    expect(await w.hook("pre-tool", at("src/ui/index.ts"))).toBe("");
    expect(contextOf(await w.hook("pre-tool", at("src/hooks/index.ts")))).toContain("stay tiny");
  });
});

test("a test runner's section banner is not the error: the line under it is", () => {
  const out = ["============================= ERRORS ==============================", "_______________ ERROR collecting tests/test_reconcile.py ________________", "ImportError while importing test module.", "E   ModuleNotFoundError: No module named 'ledger'", "=========================== short test summary info ==========================="].join("\n");
  expect(errorSignature(out)).toBe("E ModuleNotFoundError: No module named 'ledger'");
  expect(errorSignature("==== ERRORS ====")).toBe("==== ERRORS ====");
  // Which try it was is not what failed (QA: one ETIMEDOUT stored four times).
  for (const n of ["1 of 5", "2 of 5", "3/5"]) expect(errorSignature(`Error: connect ETIMEDOUT (attempt ${n})`)).toBe("Error: connect ETIMEDOUT (attempt <n>)");
  // Test names and package lines are not the error (Go, Vitest); a heading ending in ":" reads with the next line.
  expect(errorSignature('--- FAIL: TestWebhook (30.00s)\n    webhook_test.go:22: Post "https://api.stripe.com/v1/charges": context deadline exceeded\nFAIL')).toBe('Post "https://api.stripe.com/v1/charges": context deadline exceeded');
  // go build's package heading is not the error either; a URL keeps its host, a long one its last segment.
  expect(errorSignature('# github.com/acme/billing-api/internal/http\ninternal/http/server.go:14:2: "github.com/gin-gonic/gin" imported and not used')).toBe('"github.com/gin-gonic/gin" imported and not used');
  expect(errorSignature("Error: GET https://api.example.com/v2/orders/8812/items failed: 502 Bad Gateway")).toBe("Error: GET https://api.example.com/…/items failed: 502 Bad Gateway");
  // A short path is what the error names; a long one (a home directory, a checkout) keeps its last part.
  expect(errorSignature('[vite]: Rollup failed to resolve import "@/components/Button" from "src/App.tsx".')).toBe('[vite]: Rollup failed to resolve import "@/components/Button" from "src/App.tsx".');
  expect(errorSignature("Error: Cannot find module '/home/dana/work/shop/node_modules/react-dom/index.js'")).toBe("Error: Cannot find module '…/index.js'");
  expect(errorSignature("FAIL src/utils.test.ts > formatDate > pads months\nAssertionError: expected 'a' to be 'b'")).toBe("AssertionError: expected 'a' to be 'b'");
  expect(errorSignature('error during build:\n[vite]: Rollup failed to resolve import "@/components/Button"')).toBe('error during build: [vite]: Rollup failed to resolve import "@/components/Button"');
  // An HTTP status is the error, not a count: kept ("401" was "<n>"); other numbers still level.
  expect(errorSignature("curl: (22) The requested URL returned error: 401 Unauthorized")).toBe("curl: (<n>) The requested URL returned error: 401 Unauthorized");
  expect(errorSignature("Error: Request failed with status code 503")).toBe("Error: Request failed with status code 503");
  expect(errorSignature("error: 42 tests failed, 317 passed")).toBe("error: <n> tests failed, <n> passed");
  // A log line's timestamp is when, not what (it was read as a path: "<n>…/<n> <n>").
  expect(errorSignature("2024/12/06 10:00:00 goose run: failed to connect: pq: SSL is not enabled on the server")).toBe("goose run: failed to connect: pq: SSL is not enabled on the server");
});

test("a failure whose error line is only a redacted secret is not captured: it names nothing", async () => {
  const w2 = hookWorld();
  try {
    await w2.hook("post-tool", fixture("post-tool-bash-failure", { cwd: w2.project, command: "cargo build", error: "Exit code 101\nghp_1234567890abcdefghijklmnopqrstuvwxyzAB", session: "r1" }));
    await w2.hook("post-tool", fixture("post-tool-bash-failure", { cwd: w2.project, command: "cargo test", error: "Exit code 101\nerror: could not compile `app`", session: "r1" }));
    expect(w2.withEngine((e) => e.list({ types: ["error"] }).memories.map((m) => m.content))).toEqual(["`cargo test` failed: error: could not compile `app`"]);
  } finally {
    w2.cleanup();
  }
});
